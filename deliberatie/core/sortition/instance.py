"""Sortition inputs as plain data: quotas, pool, households, and pool *types*.

Two file layouts are read (see ``shared/FORMATS.md``): the Sortition
Foundation layout (quotas ``feature,value,min,max[,min_flex,max_flex]`` or
``category,name,min,max``; people with an id column) and the replication
layout of Flanigan et al. (``categories.csv`` ``category,feature,min,max``;
``respondents.csv`` without ids, which become ``r0, r1, ...``).

Everything is normalised to a canonical order (categories, values and people
sorted by string) so that results never depend on file order or on
``PYTHONHASHSEED``.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from deliberatie.core.errors import InputError

_QUOTA_HEADERS = (
    ("feature", "value"),  # Sortition Foundation
    ("category", "name"),  # Sortition Foundation, older sheets
    ("category", "feature"),  # replication layout (Nature 2021)
)


@dataclass(frozen=True)
class Quota:
    """Bounds on how many panel members have ``value`` in ``category``."""

    category: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None


@dataclass(frozen=True)
class Instance:
    """A pool with quotas, canonically ordered (build it with :func:`make_instance`).

    Attributes
    ----------
    categories : tuple of str
        Sorted category names.
    quotas : tuple of Quota
        Sorted by (category, value); every value any person has is present.
    ids : tuple of str
        Sorted person ids.
    features : tuple of tuple of str
        Per person (aligned with ``ids``), the value in each category.
    households : tuple of str or None
        Per person, a household key (``None``: no household given).
    """

    categories: tuple
    quotas: tuple
    ids: tuple
    features: tuple
    households: tuple

    @property
    def n(self):
        return len(self.ids)

    def canonical(self):
        """JSON-ready canonical form (what the inputs hash covers)."""
        return {
            "categories": list(self.categories),
            "quotas": [[q.category, q.value, q.min, q.max] for q in self.quotas],
            "people": [[i, list(f), h] for i, f, h in zip(self.ids, self.features, self.households)],
        }

    def sha256(self):
        """Hash of the canonical form, independent of file order and layout."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TypeTable:
    """Pool members grouped into types that the selection cannot tell apart.

    Without households a type is a feature vector; a person who shares a
    household with someone else is a type of their own, so that the household
    constraint stays expressible. Work then grows with the number of types.
    """

    keys: tuple  # per type: feature vector
    members: tuple  # per type: tuple of person indices (into Instance.ids), sorted
    sizes: tuple  # per type: len(members)
    incidence: tuple  # per quota: tuple of type indices having that value
    household_groups: tuple  # tuples of type indices of which at most one may be chosen


def make_instance(ids, features, quotas, households=None, *, file=None):
    """Validate plain data and return a canonical :class:`Instance`.

    Parameters
    ----------
    ids : sequence of str
    features : sequence of mapping
        Per person, ``{category: value}``.
    quotas : sequence of Quota
    households : sequence of (str or None), optional
    file : str, optional
        Named in errors.
    """
    return _validate_instance(list(ids), list(features), list(quotas),
                              None if households is None else list(households), file)


def _validate_instance(ids, features, quotas, households, file):
    place = {} if file is None else {"file": file}
    if not quotas:
        raise InputError("sortition.no_quotas", **place)
    seen = {}
    for q in quotas:
        key = (q.category, q.value)
        if key in seen:
            raise InputError("sortition.duplicate_quota", field=q.category, value=q.value, **place)
        if not 0 <= q.min <= q.max:
            raise InputError("sortition.bad_quota_bounds", field=q.category, value=q.value,
                             min=q.min, max=q.max, **place)
        seen[key] = q
    categories = sorted({q.category for q in quotas})
    if len(features) != len(ids) or (households is not None and len(households) != len(ids)):
        raise InputError("sortition.length_mismatch", **place)
    by_id = {}
    for row, (pid, feats) in enumerate(zip(ids, features), start=2):
        pid = str(pid)
        if pid == "":
            raise InputError("sortition.missing_id", row=row, **place)
        if pid in by_id:
            raise InputError("sortition.duplicate_id", row=row, value=pid, first_row=by_id[pid][0], **place)
        vector = []
        for cat in categories:
            if cat not in feats:
                raise InputError("sortition.missing_category", row=row, field=cat, **place)
            value = str(feats[cat]).strip()
            if (cat, value) not in seen:
                raise InputError("sortition.unknown_value", row=row, field=cat, value=value, **place)
            vector.append(value)
        hh = None if households is None else households[row - 2]
        by_id[pid] = (row, tuple(vector), hh if hh not in ("",) else None)
    order = sorted(by_id)
    return Instance(
        categories=tuple(categories),
        quotas=tuple(sorted(quotas, key=lambda q: (q.category, q.value))),
        ids=tuple(order),
        features=tuple(by_id[i][1] for i in order),
        households=tuple(by_id[i][2] for i in order),
    )


def group_types(instance, *, households=True):
    """Group the pool into :class:`TypeTable` types (deterministic order)."""
    shared = set()
    if households:
        count = {}
        for h in instance.households:
            if h is not None:
                count[h] = count.get(h, 0) + 1
        shared = {h for h, c in count.items() if c > 1}
    groups = {}
    for index, (vector, h) in enumerate(zip(instance.features, instance.households)):
        bound = h in shared
        key = (vector, instance.ids[index] if bound else "")
        groups.setdefault(key, []).append(index)
    keys = sorted(groups)
    members = tuple(tuple(sorted(groups[k], key=lambda i: instance.ids[i])) for k in keys)
    column = {c: j for j, c in enumerate(instance.categories)}
    incidence = tuple(
        tuple(t for t, k in enumerate(keys) if k[0][column[q.category]] == q.value) for q in instance.quotas
    )
    hh_groups = {}
    for t, k in enumerate(keys):
        if k[1]:
            hh_groups.setdefault(instance.households[members[t][0]], []).append(t)
    return TypeTable(
        keys=tuple(k[0] for k in keys),
        members=members,
        sizes=tuple(len(m) for m in members),
        incidence=incidence,
        household_groups=tuple(tuple(hh_groups[h]) for h in sorted(hh_groups)),
    )


# ----------------------------------------------------------------- reading files


def _read_rows(text, file):
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as error:
        raise InputError("sortition.malformed_csv", file=file, detail=str(error)) from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise InputError("sortition.empty_file", file=file)
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header) or "" in header:
        raise InputError("sortition.bad_header", file=file, row=1)
    body = []
    for row_number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError("sortition.malformed_csv", file=file, row=row_number,
                             expected=len(header), found=len(row))
        body.append((row_number, {h: cell.strip() for h, cell in zip(header, row)}))
    return header, body


def _int_field(record, name, row, file, optional=False):
    value = record.get(name, "")
    if value == "" and optional:
        return None
    try:
        number = int(value)
    except ValueError:
        raise InputError("sortition.not_an_integer", file=file, row=row, field=name, value=value) from None
    if number < 0:
        raise InputError("sortition.negative", file=file, row=row, field=name, value=number)
    return number


def parse_quotas(text, *, file="quotas"):
    """Quotas from CSV text in any of the accepted quota layouts."""
    header, body = _read_rows(text, file)
    names = set(header)
    for cat_col, val_col in _QUOTA_HEADERS:
        if {cat_col, val_col, "min", "max"} <= names:
            break
    else:
        raise InputError("sortition.bad_quota_header", file=file, row=1, field=",".join(header))
    quotas = []
    for row, rec in body:
        if rec[cat_col] == "" or rec[val_col] == "":
            raise InputError("sortition.missing_field", file=file, row=row,
                             field=cat_col if rec[cat_col] == "" else val_col)
        quotas.append(Quota(
            category=rec[cat_col], value=rec[val_col],
            min=_int_field(rec, "min", row, file), max=_int_field(rec, "max", row, file),
            min_flex=_int_field(rec, "min_flex", row, file, optional=True),
            max_flex=_int_field(rec, "max_flex", row, file, optional=True),
        ))
    seen = set()
    for (row, _), q in zip(body, quotas):
        if (q.category, q.value) in seen:
            raise InputError("sortition.duplicate_quota", file=file, row=row, field=q.category, value=q.value)
        seen.add((q.category, q.value))
        if q.min > q.max:
            raise InputError("sortition.bad_quota_bounds", file=file, row=row, field="min", min=q.min, max=q.max)
        if q.min_flex is not None and q.min_flex > q.min:
            raise InputError("sortition.bad_flex", file=file, row=row, field="min_flex", value=q.min_flex, min=q.min)
        if q.max_flex is not None and q.max_flex < q.max:
            raise InputError("sortition.bad_flex", file=file, row=row, field="max_flex", value=q.max_flex, max=q.max)
    return quotas


def parse_people(text, quotas, *, id_column=None, household_columns=(), file="people"):
    """Pool from CSV text; returns an :class:`Instance`.

    Without ``id_column``, a file whose columns are exactly quota categories
    (replication layout) gets ids ``r0, r1, ...`` in file order; otherwise the
    first column holds the ids.
    """
    header, body = _read_rows(text, file)
    categories = sorted({q.category for q in quotas})
    for cat in categories:
        if cat not in header:
            raise InputError("sortition.missing_column", file=file, row=1, field=cat)
    for col in household_columns:
        if col not in header:
            raise InputError("sortition.missing_column", file=file, row=1, field=col)
    if id_column is not None and id_column not in header:
        raise InputError("sortition.missing_column", file=file, row=1, field=id_column)
    generated = id_column is None and set(header) <= set(categories)
    id_col = id_column or header[0]
    values = {(q.category, q.value) for q in quotas}
    ids, feats, hhs, by_id = [], [], [], {}
    for position, (row, rec) in enumerate(body):
        pid = f"r{position}" if generated else rec[id_col]
        if pid == "":
            raise InputError("sortition.missing_id", file=file, row=row, field=id_col)
        if pid in by_id:
            raise InputError("sortition.duplicate_id", file=file, row=row, field=id_col, value=pid,
                             first_row=by_id[pid])
        by_id[pid] = row
        for cat in categories:
            if (cat, rec[cat]) not in values:
                raise InputError("sortition.unknown_value", file=file, row=row, field=cat, value=rec[cat])
        ids.append(pid)
        feats.append({cat: rec[cat] for cat in categories})
        key = "\x1f".join(rec[c] for c in household_columns)
        hhs.append(key if household_columns and key.strip("\x1f") else None)
    return _validate_instance(ids, feats, quotas, hhs if household_columns else None, file)


_DIR_LAYOUTS = (("respondents.csv", "categories.csv"), ("candidates.csv", "features.csv"))


def resolve_paths(people, quotas=None):
    """``(people_file, quotas_file)``; ``people`` may be a folder holding both."""
    people = Path(people)
    if people.is_dir():
        for p_name, q_name in _DIR_LAYOUTS:
            if (people / p_name).is_file():
                return people / p_name, Path(quotas) if quotas else people / q_name
        raise InputError("sortition.no_people_file", file=str(people))
    if quotas is None:
        raise InputError("sortition.no_quotas_file", file=str(people))
    return people, Path(quotas)


def read_instance(people, quotas=None, *, id_column=None, household_columns=()):
    """Read files (or a folder) into an :class:`Instance`; also returns file hashes.

    Returns
    -------
    instance : Instance
    files : dict
        ``{"people": {"path", "sha256"}, "quotas": {...}}`` for the record.
    """
    people_path, quotas_path = resolve_paths(people, quotas)
    files = {}
    texts = {}
    for role, path in (("people", people_path), ("quotas", quotas_path)):
        data = path.read_bytes()
        files[role] = {"path": str(path), "sha256": hashlib.sha256(data).hexdigest()}
        try:
            texts[role] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("sortition.not_utf8", file=str(path)) from None
    quota_list = parse_quotas(texts["quotas"], file=str(quotas_path))
    instance = parse_people(texts["people"], quota_list, id_column=id_column,
                            household_columns=tuple(household_columns), file=str(people_path))
    return instance, files
