"""Every error code the weighting core can raise has a Dutch message here."""

import re
from pathlib import Path

import deliberatie.core.weighting as weighting
from deliberatie.statistiek import messages

CODE = re.compile(r'InputError\(\s*f?"([a-z_{}]+)\.([a-z_]+)"')


def test_every_core_code_has_a_dutch_message():
    source = "\n".join(p.read_text() for p in Path(weighting.__file__).parent.glob("*.py"))
    codes = set()
    for prefix, name in CODE.findall(source):
        codes |= {f"{p}.{name}" for p in (("population", "weights") if prefix == "{code}" else (prefix,))}
    assert len(codes) > 30
    assert sorted(code for code in codes if code not in messages._MESSAGES) == []


def test_messages_fill_in_their_parameters(app):
    with app.test_request_context():
        text = messages.describe(("weights.cap_infeasible", {"cap": 1.5, "lowest_feasible_cap": 2.8001,
                                                              "variable": "leeftijd", "category": "15-24"}))
        assert text.startswith("Met een grens van 1,5 keer") and "is 2,81." in text
        assert "?" not in messages.describe(("population.bad_number", {"line": 4, "field": "count", "value": "x"}))
        assert messages.describe(("iets.onbekends", {})) == "De berekening kon niet worden gedaan (code iets.onbekends)."
