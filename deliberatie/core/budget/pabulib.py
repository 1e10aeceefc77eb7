"""Read and write pabulib ``.pb`` files (https://pabulib.org/format).

A file has three sections, ``META`` (``key;value``), ``PROJECTS`` (a header,
then one row per project) and ``VOTES`` (a header, then one row per voter),
``;``-separated with csv quoting. Costs and the budget are kept exact: an
``int`` when the file has whole numbers, a :class:`fractions.Fraction` when it
has decimals (budgets with cents), so that counting never rounds money.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from deliberatie.core.errors import InputError

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
POINT_TYPES = ("cumulative", "scoring")
_SECTIONS = ("meta", "projects", "votes")


@dataclass(frozen=True)
class Project:
    """One costed project; ``extra`` keeps the other columns as text, in file order."""

    id: str
    cost: int | Fraction
    name: str = ""
    categories: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def get(self, column, default=None):
        """Value of another column (``votes``, ``selected``, ...) as text."""
        return dict(self.extra).get(column, default)


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot: project ids in ballot order, points for point ballots."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[int | Fraction, ...] | None = None
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Election:
    """A parsed election: metadata, projects in file order, ballots in file order."""

    meta: tuple[tuple[str, str], ...]
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    project_columns: tuple[str, ...] = ("project_id", "cost", "name")
    vote_columns: tuple[str, ...] = ("voter_id", "vote")

    @property
    def meta_dict(self):
        return dict(self.meta)

    @property
    def budget(self):
        return parse_number(self.meta_dict["budget"])

    @property
    def vote_type(self):
        return self.meta_dict["vote_type"]

    def project(self, project_id):
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)


def parse_number(text):
    """Exact non-negative number from text: int, or Fraction for decimals (``,`` or ``.``)."""
    text = text.strip().replace(",", ".")
    if not text or text.startswith("-") or text.lower() in ("nan", "inf", "infinity"):
        raise ValueError(text)
    if text.isdigit():
        return int(text)
    value = Fraction(text)
    if value < 0:
        raise ValueError(text)
    return int(value) if value.denominator == 1 else value


def format_number(value):
    """Text for an exact number; decimals for Fractions with a finite decimal expansion."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    den, digits = value.denominator, 0
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        raise InputError("pb.not_decimal", value=str(value))
    while (value * 10**digits).denominator != 1:
        digits += 1
    scaled = value.numerator * 10**digits // value.denominator
    whole, frac = divmod(scaled, 10**digits)
    return f"{whole}.{frac:0{digits}d}"


def read_pb(path):
    """Parse a ``.pb`` file; errors name the file, line and field."""
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        text = handle.read()
    return parse_pb(text, file=path.name)


def parse_pb(text, *, file="<string>"):
    """Parse the text of a ``.pb`` file into an :class:`Election`.

    Raises
    ------
    InputError
        ``pb.missing_section``, ``pb.missing_field``, ``pb.bad_budget``,
        ``pb.bad_cost``, ``pb.duplicate_project``, ``pb.unknown_project``,
        ``pb.bad_points``, ... with ``file``, ``line`` and ``field``.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    sections = {}
    current = None
    for row in reader:
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        head = row[0].strip().lower()
        if head in _SECTIONS and len([c for c in row if c.strip()]) == 1:
            if head in sections:
                raise InputError("pb.duplicate_section", file=file, line=line, field=head.upper())
            header = next(reader, None)
            if header is None:
                raise InputError("pb.missing_header", file=file, line=line, field=head.upper())
            current = sections[head] = {"line": line, "header": [h.strip() for h in header],
                                        "header_line": reader.line_num, "rows": []}
            continue
        if current is None:
            raise InputError("pb.missing_section", file=file, line=line, field="META")
        current["rows"].append((line, [c.strip() for c in row]))
    for name in _SECTIONS:
        if name not in sections:
            raise InputError("pb.missing_section", file=file, field=name.upper())
    meta = _parse_meta(sections["meta"], file)
    vote_type = dict(meta)["vote_type"]
    projects = _parse_projects(sections["projects"], file)
    ballots = _parse_votes(sections["votes"], file, vote_type, {p.id for p in projects})
    return Election(meta=meta, projects=projects, ballots=ballots,
                    project_columns=tuple(sections["projects"]["header"]),
                    vote_columns=tuple(sections["votes"]["header"]))


def _parse_meta(section, file):
    meta = {}
    for line, row in section["rows"]:
        if len(row) < 2:
            raise InputError("pb.missing_field", file=file, line=line, field="value")
        meta[row[0]] = row[1]
    line = section["line"]
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise InputError("pb.missing_field", file=file, line=line, field=key)
    if meta["vote_type"] not in VOTE_TYPES:
        raise InputError("pb.unknown_vote_type", file=file, line=line, field="vote_type",
                         value=meta["vote_type"])
    try:
        parse_number(meta["budget"])
    except (ValueError, ZeroDivisionError):
        raise InputError("pb.bad_budget", file=file, line=line, field="budget",
                         value=meta["budget"]) from None
    return tuple(meta.items())


def _row_dict(header, row, line, file, header_line):
    if len(row) > len(header) and any(row[len(header):]):
        raise InputError("pb.too_many_fields", file=file, line=line, field=str(len(header) + 1))
    return {key: (row[i] if i < len(row) else "") for i, key in enumerate(header)}


def _parse_projects(section, file):
    header = section["header"]
    for key in ("project_id", "cost"):
        if key not in header:
            raise InputError("pb.missing_field", file=file, line=section["header_line"], field=key)
    projects, seen = [], set()
    for line, row in section["rows"]:
        values = _row_dict(header, row, line, file, section["header_line"])
        pid = values["project_id"]
        if not pid:
            raise InputError("pb.missing_field", file=file, line=line, field="project_id")
        if pid in seen:
            raise InputError("pb.duplicate_project", file=file, line=line, field="project_id",
                             value=pid)
        seen.add(pid)
        try:
            cost = parse_number(values["cost"])
        except (ValueError, ZeroDivisionError):
            raise InputError("pb.bad_cost", file=file, line=line, field="cost",
                             value=values["cost"]) from None
        categories = ()
        for key in ("category", "categories"):
            if values.get(key) and values[key].lower() != "none":
                categories = tuple(c.strip() for c in values[key].split(",") if c.strip())
        extra = tuple((k, v) for k, v in values.items()
                      if k not in ("project_id", "cost", "name", "category", "categories"))
        projects.append(Project(pid, cost, values.get("name", ""), categories, extra))
    return tuple(projects)


def _parse_votes(section, file, vote_type, project_ids):
    header = section["header"]
    for key in ("voter_id", "vote"):
        if key not in header:
            raise InputError("pb.missing_field", file=file, line=section["header_line"], field=key)
    with_points = vote_type in POINT_TYPES
    if with_points and "points" not in header:
        raise InputError("pb.missing_field", file=file, line=section["header_line"], field="points")
    ballots, seen = [], set()
    width = len(header)
    i_voter, i_vote = header.index("voter_id"), header.index("vote")
    i_points = header.index("points") if "points" in header else None
    others = [(i, key) for i, key in enumerate(header) if key not in ("voter_id", "vote", "points")]
    new_ballot = Ballot
    for line, row in section["rows"]:
        if len(row) != width:
            if len(row) > width and any(row[width:]):
                raise InputError("pb.too_many_fields", file=file, line=line, field=str(width + 1))
            row = (row + [""] * width)[:width]
        voter = row[i_voter]
        if not voter:
            raise InputError("pb.missing_field", file=file, line=line, field="voter_id")
        if voter in seen:
            raise InputError("pb.duplicate_voter", file=file, line=line, field="voter_id",
                             value=voter)
        seen.add(voter)
        raw_vote = row[i_vote]
        vote = tuple(raw_vote.split(",")) if raw_vote else ()
        if "" in vote or raw_vote != raw_vote.replace(" ", "").replace("\t", ""):
            vote = tuple(v.strip() for v in raw_vote.split(",") if v.strip())
        if not project_ids.issuperset(vote):
            bad = next(pid for pid in vote if pid not in project_ids)
            raise InputError("pb.unknown_project", file=file, line=line, field="vote", value=bad)
        if len(vote) > 1 and len(set(vote)) != len(vote):
            raise InputError("pb.duplicate_vote", file=file, line=line, field="vote")
        if vote_type == "choose-1" and len(vote) > 1:
            raise InputError("pb.too_many_votes", file=file, line=line, field="vote",
                             value=len(vote))
        points = None
        raw_points = row[i_points] if i_points is not None else ""
        if with_points or (raw_points and vote_type == "ordinal"):
            raw = [p.strip() for p in raw_points.split(",") if p.strip()]
            try:
                points = tuple(int(p) if p.isdigit() else parse_number(p) for p in raw)
            except (ValueError, ZeroDivisionError):
                raise InputError("pb.bad_points", file=file, line=line, field="points",
                                 value=raw_points) from None
            if len(points) != len(vote):
                raise InputError("pb.points_mismatch", file=file, line=line, field="points",
                                 votes=len(vote), points=len(points))
        extra = tuple([(key, row[i]) for i, key in others])
        ballots.append(new_ballot(voter, vote, points, extra))
    return tuple(ballots)


def write_pb(election, path=None, *, anonymous=True):
    """Serialise an election as pabulib text (and write it to ``path`` if given).

    With ``anonymous`` (the default for exports) voter ids become ``1..n`` and
    ballots are sorted by content, so neither ids nor the order of voting leak.
    ``num_projects`` and ``num_votes`` are set to the actual counts.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.ballots))
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    columns = list(election.project_columns)
    writer.writerow(["PROJECTS"])
    writer.writerow(columns)
    for project in election.projects:
        values = dict(project.extra)
        values.update({"project_id": project.id, "cost": format_number(project.cost),
                       "name": project.name})
        if project.categories or "category" in columns or "categories" in columns:
            key = "categories" if "categories" in columns else "category"
            values[key] = ",".join(project.categories)
        writer.writerow([values.get(c, "") for c in columns])
    ballots = list(election.ballots)
    if anonymous:
        ballots.sort(key=lambda b: (b.projects, tuple(map(str, b.points or ())), b.extra))
    vcolumns = list(election.vote_columns)
    if any(b.points is not None for b in ballots) and "points" not in vcolumns:
        vcolumns.insert(2, "points")
    writer.writerow(["VOTES"])
    writer.writerow(vcolumns)
    for index, ballot in enumerate(ballots, start=1):
        values = dict(ballot.extra)
        values["voter_id"] = str(index) if anonymous else ballot.voter_id
        values["vote"] = ",".join(ballot.projects)
        if ballot.points is not None:
            values["points"] = ",".join(format_number(p) for p in ballot.points)
        writer.writerow([values.get(c, "") for c in vcolumns])
    text = out.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
