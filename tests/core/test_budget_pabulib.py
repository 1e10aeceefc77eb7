"""Reading and writing pabulib .pb files (generated fixtures; shared files read in place)."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberatie.core.budget.pabulib import (
    Ballot, Election, Project, format_number, parse_pb, read_pb, write_pb,
)
from deliberatie.core.errors import InputError

GOOD = """META
key;value
description;"Test; with a semicolon"
budget;1000.50
vote_type;cumulative
PROJECTS
project_id;cost;name;category;votes
1;500.25;"Bank; bij de vijver";groen,spelen;2
2;300;Speeltuin;spelen;1
3;0;Gratis;;0
VOTES
voter_id;vote;points;age
a;1,2;3,2;34
b;1;5;
c;;;71
"""


def test_parse_exact_costs_and_quoted_fields():
    e = parse_pb(GOOD)
    assert e.budget == Fraction(2001, 2)
    assert e.vote_type == "cumulative"
    assert e.meta_dict["description"] == "Test; with a semicolon"
    assert [p.cost for p in e.projects] == [Fraction(50025, 100), 300, 0]
    assert isinstance(e.projects[1].cost, int)
    assert e.projects[0].name == "Bank; bij de vijver"
    assert e.projects[0].categories == ("groen", "spelen")
    assert e.projects[0].get("votes") == "2"
    assert e.ballots[0] == Ballot("a", ("1", "2"), (3, 2), (("age", "34"),))
    assert e.ballots[2].projects == () and e.ballots[2].points == ()


def test_round_trip_keeps_everything():
    e = parse_pb(GOOD)
    again = parse_pb(write_pb(e, anonymous=False))
    assert (again.projects, again.ballots) == (e.projects, e.ballots)
    assert (again.project_columns, again.vote_columns) == (e.project_columns, e.vote_columns)
    assert dict(e.meta).items() <= dict(again.meta).items()


def test_anonymous_export_renumbers_and_hides_order():
    e = parse_pb(GOOD)
    text = write_pb(e)
    again = parse_pb(text)
    assert [b.voter_id for b in again.ballots] == ["1", "2", "3"]
    assert "a;" not in text and "b;" not in text
    assert sorted((b.projects, b.points) for b in again.ballots) == \
        sorted((b.projects, b.points) for b in e.ballots)
    assert again.meta_dict["num_votes"] == "3"


def test_write_to_file(tmp_path):
    e = parse_pb(GOOD)
    path = tmp_path / "out.pb"
    write_pb(e, path)
    assert read_pb(path).projects == e.projects


def test_format_number():
    assert format_number(Fraction(1001, 2)) == "500.5"
    assert format_number(Fraction(1, 100)) == "0.01"
    assert format_number(12) == "12"
    with pytest.raises(InputError) as err:
        format_number(Fraction(1, 3))
    assert err.value.code == "pb.not_decimal"


def _replace(old, new):
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize("text, code, line, field", [
    (GOOD.replace("VOTES\nvoter_id;vote;points;age\na;1,2;3,2;34\nb;1;5;\nc;;;71\n", ""),
     "pb.missing_section", None, "VOTES"),
    (_replace("2;300;Speeltuin", "2;-3;Speeltuin"), "pb.bad_cost", 9, "cost"),
    (_replace("2;300;Speeltuin", "2;drie;Speeltuin"), "pb.bad_cost", 9, "cost"),
    (_replace("2;300;Speeltuin", "1;300;Speeltuin"), "pb.duplicate_project", 9, "project_id"),
    (_replace("b;1;5;", "b;7;5;"), "pb.unknown_project", 14, "vote"),
    (_replace("b;1;5;", "b;1;x;"), "pb.bad_points", 14, "points"),
    (_replace("b;1;5;", "b;1;5,1;"), "pb.points_mismatch", 14, "points"),
    (_replace("b;1;5;", "a;1;5;"), "pb.duplicate_voter", 14, "voter_id"),
    (_replace("budget;1000.50", "budget;veel"), "pb.bad_budget", 1, "budget"),
    (_replace("budget;1000.50\n", ""), "pb.missing_field", 1, "budget"),
    (_replace("vote_type;cumulative", "vote_type;quadratic"), "pb.unknown_vote_type", 1,
     "vote_type"),
    (_replace("voter_id;vote;points;age", "voter_id;vote;age"), "pb.missing_field", 12, "points"),
    (_replace("project_id;cost;name", "project_id;prijs;name"), "pb.missing_field", 7, "cost"),
])
def test_bad_files_name_line_and_field(text, code, line, field):
    with pytest.raises(InputError) as err:
        parse_pb(text, file="x.pb")
    assert err.value.code == code
    assert err.value.params["file"] == "x.pb"
    assert err.value.params.get("field") == field
    if line is not None:
        assert err.value.params["line"] == line
    assert "x.pb" in str(err.value)


def test_choose_one_allows_one_vote():
    text = GOOD.replace("cumulative", "choose-1").replace("voter_id;vote;points;age",
                                                         "voter_id;vote;x;age")
    with pytest.raises(InputError) as err:
        parse_pb(text)
    assert err.value.code == "pb.too_many_votes" and err.value.params["line"] == 13


def test_every_shared_file_parses_and_round_trips(shared_dir):
    files = sorted((shared_dir / "data" / "pb").glob("*.pb"))
    assert len(files) >= 20
    for path in files:
        if path.stat().st_size > 300_000:
            continue
        e = read_pb(path)
        assert len(e.projects) == int(e.meta_dict["num_projects"])
        assert len(e.ballots) == int(e.meta_dict["num_votes"])
        again = parse_pb(write_pb(e, anonymous=False))
        assert again.projects == e.projects and again.ballots == e.ballots


money = st.one_of(st.integers(0, 10**9),
                  st.builds(lambda c: Fraction(c, 100), st.integers(0, 10**9)))
ident = st.text("abcXYZ019_-", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(costs=st.lists(money, min_size=1, max_size=6), budget=money,
       names=st.lists(st.text(min_size=0, max_size=12).filter(lambda s: s == s.strip()
                                                              and "\r" not in s),
                      min_size=6, max_size=6),
       data=st.data())
def test_random_round_trip(costs, budget, names, data):
    ids = [f"p{i}" for i in range(len(costs))]
    projects = tuple(Project(pid, c, names[i]) for i, (pid, c) in enumerate(zip(ids, costs)))
    ballots = tuple(
        Ballot(f"v{n}", tuple(data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=4))))
        for n in range(data.draw(st.integers(0, 5))))
    e = Election(meta=(("budget", format_number(budget)), ("vote_type", "approval")),
                 projects=projects, ballots=ballots)
    again = parse_pb(write_pb(e, anonymous=False))
    assert again.projects == e.projects
    assert again.ballots == e.ballots
    assert again.budget == budget
