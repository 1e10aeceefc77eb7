"""`deliberatie weights rake` in-process: JSON contract, summary, exit codes."""

import csv
import json

import pytest

from deliberatie.console import main
from deliberatie.core.weighting.synthetic import participation_sample, synthetic_municipality

VARIABLES = ("geslacht", "leeftijd", "wijk", "opleiding")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights")
    municipality = synthetic_municipality(4)
    index = participation_sample(municipality, 404, size=400)
    sample = folder / "sample.csv"
    with sample.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nr", *VARIABLES])
        for i in index:
            writer.writerow([f"p{i}", *(municipality.columns[v][i] for v in VARIABLES)])
    margins = folder / "margins.csv"
    write_margins(margins, {v: municipality.margins[v] for v in VARIABLES})
    return folder, sample, margins, len(index)


def write_margins(path, margins):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["variable", "category", "target"])
        for variable, targets in margins.items():
            for category, target in targets.items():
                writer.writerow([variable, category, target])


def run(capsys, *argv):
    code = main(["weights", "rake", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_document(files, capsys):
    _, sample, margins, n = files
    code, out, err = run(capsys, "--sample", sample, "--margins", margins, "--json")
    assert code == 0
    document = json.loads(out)
    assert list(document) == ["weights", "converged", "iterations", "max_margin_error", "n",
                              "effective_n", "design_effect", "representation", "chi_square",
                              "seconds"]
    assert document["n"] == n == len(document["weights"])
    assert document["converged"] is True
    assert document["max_margin_error"] <= 1e-10
    weights = list(document["weights"].values())
    assert sum(weights) / n == pytest.approx(1.0)
    assert document["design_effect"] == pytest.approx(n / document["effective_n"])
    row = document["representation"][0]
    assert set(row) == {"variable", "category", "sample_share", "population_share", "ratio"}
    assert set(document["chi_square"]) == set(VARIABLES)
    assert document["chi_square"]["leeftijd"]["df"] == 3
    assert document["chi_square"]["leeftijd"]["method"] == "chi_square"  # 400 people: every cell expects >= 5


def test_a_small_sample_names_the_exact_test(tmp_path, capsys):
    """Where a category expects fewer than 5 people the p-value is the exact multinomial test's, and says so."""
    sample, margins = tmp_path / "sample.csv", tmp_path / "margins.csv"
    sample.write_text("nr,geslacht\n" + "".join(f"p{i},{g}\n" for i, g in enumerate("mmmmvvvva")))
    write_margins(margins, {"geslacht": {"m": 480, "v": 490, "a": 30}})
    code, out, _ = run(capsys, "--sample", sample, "--margins", margins, "--json")
    assert code == 0
    test = json.loads(out)["chi_square"]["geslacht"]
    assert test["method"] == "exact" and "draws" not in test
    assert 0 < test["p_value"] <= 1


def test_cap_and_human_summary(files, capsys):
    _, sample, margins, _ = files
    code, out, _ = run(capsys, "--sample", sample, "--margins", margins, "--json")
    free = json.loads(out)
    cap = max(free["weights"].values()) * 0.8
    code, out, _ = run(capsys, "--sample", sample, "--margins", margins, "--cap", cap, "--json")
    assert code == 0
    capped = json.loads(out)
    assert max(capped["weights"].values()) <= cap * (1 + 1e-9)
    code, out, _ = run(capsys, "--sample", sample, "--margins", margins)
    assert code == 0 and "converged" in out and "under-represented" in out


def test_cap_below_lowest_feasible_exits_2(files, capsys):
    _, sample, margins, _ = files
    code, out, err = run(capsys, "--sample", sample, "--margins", margins, "--cap", 1.01)
    assert code == 2 and out == ""
    assert "weights.cap_infeasible" in err and "lowest_feasible_cap" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("change, code_name, variable, category", [
    (lambda m: m["leeftijd"].update({"100+": 0.0}) or m, None, None, None),
    (lambda m: m["wijk"].pop("Haven") and m, "weights.missing_target", "wijk", "Haven"),
    (lambda m: m["opleiding"].update({"onbekend": 10}) or m, "weights.", "opleiding", None),
])
def test_bad_margins_exit_2_naming_variable_and_category(files, capsys, change, code_name,
                                                         variable, category):
    folder, sample, _, _ = files
    municipality = synthetic_municipality(4)
    margins = change({v: dict(municipality.margins[v]) for v in VARIABLES})
    path = folder / "bad.csv"
    write_margins(path, margins)
    code, out, err = run(capsys, "--sample", sample, "--margins", path)
    if code_name is None:                                  # zero target, no respondents: fine
        assert code == 0
        return
    assert code == 2 and out == ""
    assert code_name in err and f"'{variable}'" in err and "bad.csv" in err
    if category:
        assert f"'{category}'" in err


def test_target_without_respondents_exits_2(files, capsys):
    folder, sample, _, _ = files
    margins = {"geslacht": {"man": 0.4, "vrouw": 0.5, "x": 0.1}}
    path = folder / "norespondents.csv"
    write_margins(path, margins)
    code, _, err = run(capsys, "--sample", sample, "--margins", path)
    assert code == 2
    assert "weights.no_respondents" in err and "'geslacht'" in err and "'x'" in err


def test_id_column_and_sample_errors(files, capsys, tmp_path):
    _, _, margins, _ = files
    sample = tmp_path / "s.csv"
    sample.write_text("geslacht,leeftijd,wijk,opleiding,id\nman,16-24,Oost,laag,a\n"
                      "vrouw,65+,West,hoog,a\n")
    code, _, err = run(capsys, "--sample", sample, "--margins", margins, "--id-column", "id")
    assert code == 2 and "line 3" in err and "weights.duplicate_id" in err
    sample.write_text("id,geslacht,leeftijd,wijk\n1,man,16-24,Oost\n")
    code, _, err = run(capsys, "--sample", sample, "--margins", margins)
    assert code == 2 and "opleiding" in err and "weights.unknown_variable" in err
    code, _, err = run(capsys, "--sample", tmp_path / "nope.csv", "--margins", margins)
    assert code == 2 and "nope.csv" in err


def test_not_converged_is_reported(files, capsys):
    _, sample, margins, _ = files
    code, out, err = run(capsys, "--sample", sample, "--margins", margins,
                         "--max-iterations", 1, "--json")
    document = json.loads(out)
    assert document["converged"] is False
    assert document["max_margin_error"] > 1e-10
    assert "did not converge" in err


@pytest.mark.parametrize("option, value", [("--cap", 0), ("--tolerance", -1),
                                           ("--max-iterations", 0)])
def test_bad_options_exit_2_naming_the_option(files, capsys, option, value):
    _, sample, margins, _ = files
    code, out, err = run(capsys, "--sample", sample, "--margins", margins, option, value)
    assert code == 2 and out == ""
    assert f"field {option.lstrip('-').replace('-', '_')}" in err
    assert "margins.csv" not in err
