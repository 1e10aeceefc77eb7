"""`deliberatie sortition select|verify` in-process."""

import json

import pytest

from deliberatie.console import main

KEYS = {"algorithm", "n", "k", "seed", "probabilities", "min_probability", "gini", "mean_probability",
        "panels", "panel", "seconds", "inputs_sha256", "version"}


def _folder(shared_dir, name):
    return str(shared_dir / "data" / "sortition" / name)


def test_select_json_matches_formats(shared_dir, capsys, tmp_path):
    record = tmp_path / "record.json"
    code = main(["sortition", "select", "--people", _folder(shared_dir, "example_small_20"), "--panel-size", "20",
                 "--seed", "7", "--json", "--record", str(record)])
    assert code == 0
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert KEYS <= set(doc)
    assert doc["n"] == 200 and doc["k"] == 20 and doc["algorithm"] == "leximin"
    assert abs(doc["min_probability"] - 0.1) < 1e-6
    assert abs(sum(doc["probabilities"].values()) - 20) < 1e-6
    assert abs(sum(p["probability"] for p in doc["panels"]) - 1) < 1e-9
    assert doc["panel"] in [p["members"] for p in doc["panels"]]
    assert len(set(doc["panel"])) == 20
    assert main(["sortition", "verify", str(record)]) == 0
    assert "identical" in capsys.readouterr().out


def test_select_sortition_foundation_layout_with_households(shared_dir, capsys):
    folder = _folder(shared_dir, "sfalg_fixture_22")
    code = main(["sortition", "select", "--people", f"{folder}/candidates.csv", "--quotas", f"{folder}/features.csv",
                 "--panel-size", "22", "--algorithm", "maximin", "--id-column", "nationbuilder_id",
                 "--household-columns", "primary_address1,primary_zip", "--seed", "3", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["n"] == 150 and len(doc["panel"]) == 22
    assert all(pid.startswith("p") for pid in doc["probabilities"])
    assert doc["min_probability"] >= 22 / 150 * 0.5


def test_verify_fails_on_tampered_record(shared_dir, capsys, tmp_path):
    record = tmp_path / "record.json"
    assert main(["sortition", "select", "--people", _folder(shared_dir, "example_small_20"), "--panel-size", "20",
                 "--lottery-size", "50", "--record", str(record)]) == 0
    data = json.loads(record.read_text())
    data["panel"][0] = "r999"
    record.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["sortition", "verify", str(record), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["checks"]["panel"] is False and doc["checks"]["lottery"] is True


def test_infeasible_quotas_exit_2(shared_dir, capsys, tmp_path):
    quotas = tmp_path / "q.csv"
    quotas.write_text("category,feature,min,max\ngender,female,15,20\ngender,male,9,20\n"
                      "leaning,liberal,9,20\nleaning,conservative,9,20\n")
    code = main(["sortition", "select", "--people", _folder(shared_dir, "example_small_20") + "/respondents.csv",
                 "--quotas", str(quotas), "--panel-size", "20", "--json"])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err
    assert "gender=female min 15" in err and "relaxation" in err


@pytest.mark.parametrize("people, extra, needle", [
    ("id,g\na,f\nb,q\n", [], "row 3, field g"),
    ("id,g\na,f\na,m\n", [], "duplicate_id"),
    ("id,g\na,f\nb,m\n", ["--panel-size", "5"], "panel_larger_than_pool"),
])
def test_bad_input_exit_2(tmp_path, capsys, people, extra, needle):
    (tmp_path / "p.csv").write_text(people)
    (tmp_path / "q.csv").write_text("feature,value,min,max\ng,f,0,2\ng,m,0,2\n")
    args = ["sortition", "select", "--people", str(tmp_path / "p.csv"), "--quotas", str(tmp_path / "q.csv")]
    code = main(args + (extra or ["--panel-size", "1"]))
    assert code == 2
    assert needle in capsys.readouterr().err


def test_missing_file_and_bad_record(tmp_path, capsys):
    assert main(["sortition", "select", "--people", str(tmp_path / "nope.csv"), "--quotas", str(tmp_path / "q.csv"),
                 "--panel-size", "2"]) == 2
    (tmp_path / "r.json").write_text("{not json")
    assert main(["sortition", "verify", str(tmp_path / "r.json")]) == 2
    (tmp_path / "r2.json").write_text('{"format": "other"}')
    assert main(["sortition", "verify", str(tmp_path / "r2.json")]) == 2
