"""Reading a pol.is open-data export into plain arrays.

The export holds every vote event; pol.is counts the latest vote per
participant and statement, so we keep that one (by timestamp, later rows
win ties).
"""

import csv
import itertools
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from deliberatie.core.errors import InputError

VOTE_FIELDS = ("timestamp", "comment-id", "voter-id", "vote")
COMMENT_FIELDS = ("comment-id",)


@dataclass(frozen=True)
class Conversation:
    """Votes of one conversation as a sparse participant × statement table.

    Attributes
    ----------
    participants : tuple of str
        Voter ids, row order (ascending number when numeric).
    statements : tuple of str
        Comment ids, column order (ascending number when numeric).
    rows, cols : numpy.ndarray of int
        Position of each (latest) vote.
    values : numpy.ndarray of int8
        The vote: 1 agree, -1 disagree, 0 pass.
    moderated_out : frozenset of str
        Statements an organiser removed (pol.is ``moderated = -1``).
    texts : dict
        Statement id → text, where ``comments.csv`` gives one.
    """

    participants: tuple
    statements: tuple
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    moderated_out: frozenset = frozenset()
    texts: dict = field(default_factory=dict)

    @property
    def shape(self):
        return (len(self.participants), len(self.statements))

    def matrix(self):
        """The votes as CSR; a stored 0 is a pass, a missing cell is no vote."""
        m = sp.csr_matrix(
            (self.values.astype(np.float64), (self.rows, self.cols)), shape=self.shape
        )
        return m

    def voted(self):
        """CSR of ones where a participant voted (pass included)."""
        return sp.csr_matrix(
            (np.ones(len(self.rows)), (self.rows, self.cols)), shape=self.shape
        )


def _sort_key(ident):
    return (0, int(ident), "") if ident.lstrip("-").isdigit() else (1, 0, ident)


def _factorise(ids, count, extra=()):
    """Distinct ids as strings in canonical order, and each id's position in that order.

    One C-level pass over the ``count`` votes (``ids`` is consumed once):
    ``dict.setdefault`` hands each vote the index of the first vote with its
    id; only the distinct ids are turned into strings and sorted -- Python-level
    work per vote was most of the time of a small map.
    """
    seen = {}
    first = np.fromiter(map(seen.setdefault, ids, itertools.count()), dtype=np.int64, count=count)
    names = [str(orig) for orig in seen]
    ordered = sorted(set(names) | {str(k) for k in extra}, key=_sort_key)
    pos = {name: i for i, name in enumerate(ordered)}
    rank = np.zeros(count, dtype=np.int64)
    rank[np.fromiter(seen.values(), dtype=np.int64, count=len(seen))] = [pos[name] for name in names]
    return ordered, rank[first]


def from_votes(votes, *, moderated_out=(), texts=None):
    """Build a :class:`Conversation` from ``(timestamp, voter, comment, vote)`` tuples.

    Parameters
    ----------
    votes : iterable of tuple
        Vote events; ids are turned into strings, the latest event per pair
        counts.
    moderated_out : iterable of str
        Statements removed by moderation.
    texts : dict, optional
        Statement id → text; statements without votes are included too.
    """
    votes = votes if isinstance(votes, (list, tuple)) else list(votes)
    n = len(votes)
    # itemgetter passes run in C; zip(*votes) was a third of the time of a small map
    column = lambda i: map(itemgetter(i), votes)  # noqa: E731
    # canonical order (by id), so the result does not hang on the file's row order
    participants, voter_rows = _factorise(column(1), n)
    statements, comment_cols = _factorise(column(2), n, extra=texts or {})
    return from_arrays(
        participants, statements,
        voter_rows, comment_cols,
        np.fromiter(column(3), dtype=np.int64, count=n),
        timestamps=np.fromiter(column(0), dtype=np.int64, count=n),
        moderated_out=moderated_out, texts=texts,
    )


def from_arrays(participants, statements, rows, cols, values, *, timestamps=None,
                moderated_out=(), texts=None):
    """Build a :class:`Conversation` from index arrays (fast path for big or generated data).

    ``rows[i]``/``cols[i]`` index ``participants``/``statements``; with
    several entries for one pair the latest ``timestamps`` (else the last
    entry) counts.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if not np.isin(values, (-1, 0, 1)).all():
        raise InputError("opinions.bad_vote", field="values")
    values = np.asarray(values, dtype=np.int8)
    if timestamps is None:
        timestamps = np.arange(len(rows), dtype=np.int64)
    participants, statements = tuple(map(str, participants)), tuple(map(str, statements))
    if len(rows) and (rows.min() < 0 or rows.max() >= len(participants)
                      or cols.min() < 0 or cols.max() >= len(statements)):
        raise InputError("opinions.index_out_of_range", field="rows/cols")
    return _latest(participants, statements, np.asarray(timestamps, dtype=np.int64),
                   rows, cols, values, moderated_out, texts)


def _latest(participants, statements, ts, rows, cols, vals, moderated_out, texts):
    n_cols = max(len(statements), 1)
    pair = rows * n_cols + cols
    # stable sort by (pair, timestamp): the last row of each pair is the latest vote
    order = np.argsort(pair)  # unstable, fast; enough when every pair occurs once (latest votes only)
    pair_sorted = pair[order]
    if len(pair) > 1 and not (pair_sorted[1:] != pair_sorted[:-1]).all():
        if np.all(ts[1:] >= ts[:-1]) and int(pair.max()) < 2**62 // len(pair):
            # already in time order: one (unstable, fast) sort on a unique key
            order = np.argsort(pair * len(pair) + np.arange(len(pair)))
        else:
            by_time = np.argsort(ts, kind="stable")
            order = by_time[np.argsort(pair[by_time], kind="stable")]
        pair_sorted = pair[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = pair_sorted[1:] != pair_sorted[:-1]
    keep = order[last]
    return Conversation(
        participants=participants,
        statements=statements,
        rows=rows[keep],
        cols=cols[keep],
        values=vals[keep],
        moderated_out=frozenset(str(m) for m in moderated_out),
        texts=dict(texts or {}),
    )


def _rows(path, required):
    try:
        handle = open(path, newline="", encoding="utf-8")
    except FileNotFoundError:
        raise InputError("opinions.missing_file", file=str(path)) from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise InputError("opinions.empty_file", file=str(path), line=1)
            header = [h.strip() for h in header]
            missing = [f for f in required if f not in header]
            if missing:
                raise InputError("opinions.missing_field", file=str(path), line=1, field=missing[0])
            index = {name: header.index(name) for name in header}
            for row in reader:
                if not row or row == [""]:
                    continue
                yield reader.line_num, row, index
        except UnicodeDecodeError:
            raise InputError("opinions.not_utf8", file=str(path), line=reader.line_num + 1) from None


def _field(path, line, row, index, name):
    pos = index[name]
    if pos >= len(row):
        raise InputError("opinions.missing_value", file=str(path), line=line, field=name)
    value = row[pos].strip()
    if value == "":
        raise InputError("opinions.missing_value", file=str(path), line=line, field=name)
    return value


def _int(path, line, row, index, name, allowed=None):
    value = _field(path, line, row, index, name)
    try:
        number = int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or number != int(number):
            raise InputError(
                "opinions.not_a_number", file=str(path), line=line, field=name, value=value
            ) from None
        number = int(number)
    if allowed is not None and number not in allowed:
        raise InputError("opinions.bad_vote", file=str(path), line=line, field=name, value=value)
    return number


def read_comments(path):
    """Statement texts and the moderated-out set from ``comments.csv``."""
    path = Path(path)
    texts, moderated_out = {}, set()
    for line, row, index in _rows(path, COMMENT_FIELDS):
        comment = _field(path, line, row, index, "comment-id")
        if "comment-body" in index and index["comment-body"] < len(row):
            texts[comment] = row[index["comment-body"]]
        else:
            texts[comment] = ""
        if "moderated" in index and index["moderated"] < len(row):
            mod = row[index["moderated"]].strip()
            if mod not in ("", "-1", "0", "1"):
                raise InputError(
                    "opinions.bad_moderation", file=str(path), line=line,
                    field="moderated", value=mod,
                )
            if mod == "-1":
                moderated_out.add(comment)
    return texts, moderated_out


def read_votes(path):
    """Vote events ``(timestamp, voter, comment, vote)`` from ``votes.csv``."""
    path = Path(path)
    for line, row, index in _rows(path, VOTE_FIELDS):
        yield (
            _int(path, line, row, index, "timestamp"),
            _field(path, line, row, index, "voter-id"),
            _field(path, line, row, index, "comment-id"),
            _int(path, line, row, index, "vote", allowed=(-1, 0, 1)),
        )


def read_conversation(directory):
    """Read ``votes.csv`` and ``comments.csv`` (optional) of a pol.is export.

    Raises
    ------
    InputError
        Naming file, line and field of the first malformed value.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("opinions.not_a_directory", file=str(directory))
    comments = directory / "comments.csv"
    texts, moderated_out = read_comments(comments) if comments.exists() else ({}, set())
    conversation = from_votes(
        read_votes(directory / "votes.csv"), moderated_out=moderated_out, texts=texts
    )
    if not conversation.participants:
        raise InputError("opinions.no_votes", file=str(directory / "votes.csv"))
    return conversation
