"""`deliberatie opinions map`: JSON per shared/FORMATS.md, summary, exit 2 on bad input."""

import json

import pytest

from deliberatie.console import main


@pytest.fixture(scope="module")
def canadian(shared_dir):
    return shared_dir / "data" / "opinion" / "canadian-electoral-reform"


def test_json_document(canadian, capsys):
    assert main(["opinions", "map", str(canadian), "--json", "--seed", "1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"participants", "clustered", "groups", "consensus",
                        "group_aware_consensus", "seconds"}
    assert doc["participants"] == 448 and doc["clustered"] == 281
    assert sum(g["size"] for g in doc["groups"]) == doc["clustered"]
    assert [g["id"] for g in doc["groups"]] == list(range(len(doc["groups"])))
    for group in doc["groups"]:
        assert group["size"] == len(group["members"])
        for rep in group["representative"]:
            assert set(rep) == {"comment", "direction", "agree_share", "repness", "z"}
            assert rep["direction"] in ("agree", "disagree") and 0 <= rep["agree_share"] <= 1
    assert all(set(c) == {"comment", "direction", "agree_share"} for c in doc["consensus"])
    assert all(set(c) == {"comment", "score"} for c in doc["group_aware_consensus"])
    assert doc["seconds"] >= 0


def test_options_reach_the_core(canadian, capsys):
    assert main(["opinions", "map", str(canadian), "--json", "--min-votes", "30",
                 "--max-groups", "2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["clustered"] < 281 and len(doc["groups"]) == 2


def test_summary(canadian, capsys):
    assert main(["opinions", "map", str(canadian)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("448 participants, 281 clustered, 2 opinion groups")
    assert "consensus:" in out and "I am pleased with the current electoral system." in out


def test_bad_input_exits_2_with_one_line(tmp_path, capsys):
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,1,a,7\n", encoding="utf-8")
    assert main(["opinions", "map", str(tmp_path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "line 2" in captured.err and "vote" in captured.err
    assert main(["opinions", "map", str(tmp_path / "missing")]) == 2
    assert "not_a_directory" in capsys.readouterr().err
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,1,a,1\n", encoding="utf-8")
    assert main(["opinions", "map", str(tmp_path), "--min-votes", "0"]) == 2
    assert "min_votes" in capsys.readouterr().err
