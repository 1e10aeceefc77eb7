"""Reading pol.is exports: latest vote per pair, moderation, and errors that name the place."""

import pytest

from deliberatie.core.errors import InputError
from deliberatie.core.opinions import from_votes, read_conversation

VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"
COMMENTS_HEADER = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"


def write(folder, votes, comments=None):
    folder.mkdir(exist_ok=True)
    (folder / "votes.csv").write_text(VOTES_HEADER + votes, encoding="utf-8")
    if comments is not None:
        (folder / "comments.csv").write_text(COMMENTS_HEADER + comments, encoding="utf-8")
    return folder


def test_latest_vote_per_participant_and_statement_counts(tmp_path):
    folder = write(tmp_path / "c", (
        "30,x,1,a,1\n"
        "10,x,1,a,-1\n"  # older: superseded although later in the file
        "20,x,2,a,0\n"
        "20,x,2,b,1\n"
        "25,x,2,b,-1\n"
    ), "1,x,1,a,0,0,1,\"Eens, of niet\"\n2,x,2,a,0,0,-1,weg\n3,x,3,a,0,0,1,nooit gestemd\n")
    conv = read_conversation(folder)
    assert conv.participants == ("a", "b")
    assert conv.statements == ("1", "2", "3")
    cells = {(conv.participants[r], conv.statements[c]): int(v)
             for r, c, v in zip(conv.rows, conv.cols, conv.values)}
    assert cells == {("a", "1"): 1, ("a", "2"): 0, ("b", "2"): -1}
    assert conv.moderated_out == frozenset({"2"})
    assert conv.texts["1"] == "Eens, of niet"
    matrix, voted = conv.matrix(), conv.voted()
    assert voted.sum() == 3 and matrix.sum() == 0  # the pass is a stored 0


def test_equal_timestamps_later_row_wins():
    conv = from_votes([(5, "p", "s", 1), (5, "p", "s", -1)])
    assert list(conv.values) == [-1]


def test_comments_file_is_optional(tmp_path):
    conv = read_conversation(write(tmp_path / "c", "1,x,7,p,1\n"))
    assert conv.statements == ("7",) and conv.moderated_out == frozenset()


@pytest.mark.parametrize("body, line, field", [
    ("1,x,1,a,2\n", 2, "vote"),
    ("1,x,1,a,1\nlater,x,1,a,1\n", 3, "timestamp"),
    ("1,x,1,,1\n", 2, "voter-id"),
    ("1,x,1,a,1\n2,x,2,a\n", 3, "vote"),
    ("1,x,1,a,yes\n", 2, "vote"),
])
def test_bad_votes_name_file_line_and_field(tmp_path, body, line, field):
    folder = write(tmp_path / "c", body)
    with pytest.raises(InputError) as info:
        read_conversation(folder)
    assert info.value.params["line"] == line
    assert info.value.params["field"] == field
    assert info.value.params["file"].endswith("votes.csv")
    assert "votes.csv" in str(info.value) and f"line {line}" in str(info.value)


def test_missing_column_and_missing_files(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "votes.csv").write_text("timestamp,comment-id,vote\n1,1,1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_conversation(folder)
    assert info.value.code == "opinions.missing_field"
    assert (info.value.params["line"], info.value.params["field"]) == (1, "voter-id")
    with pytest.raises(InputError) as info:
        read_conversation(tmp_path / "nothing")
    assert info.value.code == "opinions.not_a_directory"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as info:
        read_conversation(tmp_path / "empty")
    assert info.value.code == "opinions.missing_file"


def test_bad_moderation_and_header_only(tmp_path):
    folder = write(tmp_path / "c", "1,x,1,a,1\n", "1,x,1,a,0,0,maybe,tekst\n")
    with pytest.raises(InputError) as info:
        read_conversation(folder)
    assert (info.value.params["field"], info.value.params["line"]) == ("moderated", 2)
    folder = write(tmp_path / "d", "")
    with pytest.raises(InputError) as info:
        read_conversation(folder)
    assert info.value.code == "opinions.no_votes"
