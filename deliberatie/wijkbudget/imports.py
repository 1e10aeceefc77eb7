"""Projects from a CSV file: every row checked first, then all saved or nothing.

Columns (header names, any order, case-insensitive): ``titel`` and
``kosten`` are required, ``omschrijving`` and ``wijk`` optional. ``;`` or
``,`` as separator; amounts as ``1.234,50`` or ``1234.50``.
"""

import csv
import io

from flask_babel import gettext as _

from ..csvtext import decode_upload
from .money import parse_euros

REQUIRED = ("titel", "kosten")
OPTIONAL = ("omschrijving", "wijk")
MAX_ROWS = 500


class ImportErrors(Exception):
    """All problems found, each a Dutch sentence naming the line."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def _records(text, delimiter) -> list[tuple[int, list[str]]]:
    """The CSV records, each with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, end = [], 0
    try:
        for row in reader:
            records.append((end + 1, row))
            end = reader.line_num
    except csv.Error:  # e.g. a cell beyond the csv module's limit: an opening quote that is never closed
        raise ImportErrors([_("Regel %(line)s: deze regel kan niet worden gelezen. Staat er een aanhalingsteken (\") "
                              "dat niet wordt afgesloten?", line=end + 1)]) from None
    return records


def read_projects_csv(data: bytes, wijken) -> list[dict]:
    """Checked rows ready for :func:`services.add_projects`, or :class:`ImportErrors`."""
    text = decode_upload(data)
    if text is None:
        raise ImportErrors([_("Het bestand is geen tekst in UTF-8. Sla het op als CSV (UTF-8).")])
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = _records(text, delimiter)
    if not rows:
        raise ImportErrors([_("Het bestand is leeg.")])
    header = [h.strip().lower() for h in rows[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportErrors([_("Regel 1: de kolom %(column)s ontbreekt. Nodig zijn: titel en kosten.",
                              column=", ".join(missing))])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportErrors([_("Het bestand heeft meer dan %(n)s projecten.", n=MAX_ROWS)])
    by_name = {w.name.lower(): w for w in wijken}
    problems, checked = [], []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if any(cell.strip() for cell in row[len(header):]):
            # Mostly an unquoted decimal comma with "," as separator: "1.234,50" would become 1.234 and a stray 50.
            problems.append(_("Regel %(line)s: meer waarden dan kolommen. Staat er een komma in een bedrag of tekst? "
                              "Zet die waarde tussen aanhalingstekens of gebruik ; als scheidingsteken.", line=line))
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        title = values.get("titel", "")
        if not title:
            problems.append(_("Regel %(line)s: de titel ontbreekt.", line=line))
        elif len(title) > 200:
            problems.append(_("Regel %(line)s: de titel is langer dan 200 tekens.", line=line))
        cost_text = values.get("kosten", "")
        cost = None
        if not cost_text:
            problems.append(_("Regel %(line)s: de kosten ontbreken.", line=line))
        else:
            try:
                cost = parse_euros(cost_text)
            except ValueError:
                problems.append(_("Regel %(line)s: de kosten \"%(value)s\" zijn geen bedrag in euro's.",
                                  line=line, value=cost_text))
        wijk_name = values.get("wijk", "")
        wijk = by_name.get(wijk_name.lower()) if wijk_name else None
        if wijk_name and wijk is None:
            problems.append(_("Regel %(line)s: de wijk \"%(value)s\" hoort niet bij dit wijkbudget.",
                              line=line, value=wijk_name))
        checked.append({"title": title, "description": values.get("omschrijving", ""), "cost_cents": cost,
                        "wijk_id": wijk.id if wijk else None})
    if problems:
        raise ImportErrors(problems)
    if not checked:
        raise ImportErrors([_("Het bestand bevat geen projecten.")])
    return checked
