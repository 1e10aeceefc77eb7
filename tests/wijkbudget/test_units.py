"""Small pieces: money parsing, code normalising, Dutch explanations."""

import pytest

from deliberatie.wijkbudget import codes
from deliberatie.wijkbudget.money import format_euros, parse_euros


@pytest.mark.parametrize("text,cents", [("€ 1.234,50", 123450), ("1234.50", 123450), ("1234,5", 123450),
                                        ("1.234", 123400), ("12.500", 1250000), ("0", 0), ("7", 700),
                                        ("1.234.567", 123456700)])
def test_parse_euros(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["", "-5", "12,3x", "1,234,5", "1.2.3", "1,999", "abc"])
def test_parse_euros_refuses(text):
    with pytest.raises(ValueError):
        parse_euros(text)


def test_format_euros_round_trips():
    for cents in (0, 5, 100, 123450, 5_000_000, 99_999_999_99):
        assert parse_euros(format_euros(cents)) == cents
    assert format_euros(123450) == "€\u00a01.234,50" and format_euros(500000) == "€\u00a05.000"


def test_codes_normalise_and_group():
    assert codes.normalise(" abcd-efgh jkmn–pqrs ") == "ABCDEFGHJKMNPQRS"
    assert codes.format_code("abcdefghjkmnpqrs") == "ABCD-EFGH-JKMN-PQRS"


def test_mes_explanation_never_says_zero_percent_short(app):
    from deliberatie.wijkbudget.messages import explain

    with app.test_request_context():
        almost = explain({"reason": "unaffordable", "effective_support": 0.9996, "cost_cents": 100}, {"rule": "mes-add1"})
        half = explain({"reason": "unaffordable", "effective_support": 0.5, "cost_cents": 100}, {"rule": "mes-add1"})
    assert "99% van de kosten" in almost and "1% meer steun" in almost
    assert "50% van de kosten" in half and "100% meer steun" in half
