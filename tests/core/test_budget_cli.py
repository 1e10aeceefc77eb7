"""`deliberatie budget count` in-process: JSON contract, summary, exit codes."""

import json

import pytest

from deliberatie.console import main

GOOD = """META
key;value
budget;100.50
vote_type;approval
PROJECTS
project_id;cost;name
a;60.25;Bankjes
b;40;Bomen
c;50;Speeltuin
VOTES
voter_id;vote
1;a,b
2;a
3;c
"""


@pytest.fixture
def election(tmp_path):
    path = tmp_path / "wijk.pb"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _json(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_count_json_contract(election, capsys):
    doc = _json(capsys, ["budget", "count", str(election), "--rule", "greedy", "--json"])
    assert list(doc) == ["rule", "selected", "selection_order", "total_cost", "budget",
                         "voters", "seconds"]
    assert doc["rule"] == "greedy"
    assert doc["selection_order"] == ["a", "b"] and doc["selected"] == ["a", "b"]
    assert doc["total_cost"] == "100.25" and doc["budget"] == "100.5"
    assert doc["voters"] == 3 and doc["seconds"] >= 0


def test_tie_break_option(tmp_path, capsys):
    # x and y both have one vote and only one fits: id picks x, cost picks the cheaper y
    path = tmp_path / "tie.pb"
    path.write_text("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\n"
                    "project_id;cost\nx;10\ny;6\nVOTES\nvoter_id;vote\n1;x\n2;y\n")
    base = ["budget", "count", str(path), "--rule", "greedy", "--json"]
    assert _json(capsys, base)["selected"] == ["x"]
    assert _json(capsys, base + ["--tie-break", "cost"])["selected"] == ["y"]


@pytest.mark.parametrize("rule", ["mes", "mes-add1", "mes-add1-exhaustive", "mes-add1-greedy",
                                  "phragmen", "greedy-voters"])
def test_every_rule_runs(election, capsys, rule):
    doc = _json(capsys, ["budget", "count", str(election), "--rule", rule, "--json"])
    assert doc["rule"] == rule
    assert sorted(doc["selection_order"]) == doc["selected"]
    assert float(doc["total_cost"]) <= 100.50


def test_summary_by_default(election, capsys):
    assert main(["budget", "count", str(election), "--rule", "mes"]) == 0
    out = capsys.readouterr().out
    assert "rule mes" in out and "of 100.5 " in out


def test_bad_file_exits_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "bad.pb"
    path.write_text(GOOD.replace("b;40;Bomen", "b;veertig;Bomen"), encoding="utf-8")
    assert main(["budget", "count", str(path), "--rule", "mes", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and "line 8" in err and "cost" in err and "bad.pb" in err


def test_missing_file_and_rule_not_for_points(tmp_path, capsys):
    assert main(["budget", "count", str(tmp_path / "nope.pb"), "--rule", "mes"]) == 2
    assert "nope.pb" in capsys.readouterr().err
    path = tmp_path / "points.pb"
    path.write_text(GOOD.replace("approval", "cumulative").replace("voter_id;vote\n",
                    "voter_id;vote;points\n").replace("1;a,b", "1;a,b;1,2")
                    .replace("2;a\n", "2;a;3\n").replace("3;c", "3;c;1"), encoding="utf-8")
    assert main(["budget", "count", str(path), "--rule", "phragmen"]) == 2
    assert "budget.rule_needs_approval" in capsys.readouterr().err


def test_unknown_rule_is_rejected(election):
    with pytest.raises(SystemExit) as exit_:
        main(["budget", "count", str(election), "--rule", "borda"])
    assert exit_.value.code == 2
