"""Stage 1: the address extract, row-level errors with nothing saved, the spread and the seeded draw."""

import io
from collections import Counter

import pytest
from sqlalchemy import select

from deliberatie.burgerraad import letters
from deliberatie.burgerraad.models import Burgerraad, BurgerraadStatus, Uitnodiging
from deliberatie.extensions import db
from deliberatie.models import AuditEntry
from tests.burgerraad.conftest import address_csv, make_burgerraad


def _upload(client, burgerraad_id, data, world, **fields):
    form = {"extract": (io.BytesIO(data), "adressen.csv"), "total": "10", "spread": "bevolking", "seed": "7",
            f"respons_{world['wijken']['Noord']}": "10", f"respons_{world['wijken']['Zuid']}": "10"}
    form.update(fields)
    return client.post(f"/burgerraad/{burgerraad_id}/brieven", data=form, content_type="multipart/form-data")


@pytest.fixture
def raad(world, auth):
    burgerraad = make_burgerraad(world)
    db.session.commit()
    auth.login("org@example.org")
    return burgerraad.id


BAD_EXTRACTS = [
    (b"adres_id,wijk\nA1,Noord\nA2,Oost\nA3,Zuid\n", ["Rij 3: wijk 'Oost' hoort niet bij dit traject."]),
    (b"adres_id,wijk\nA1,Noord\nA2,Zuid\nA1,Zuid\n", ["Rij 4: adres_id 'A1' staat ook in rij 2."]),
    (b"adres_id,wijk\nA1,Noord,extra\nA2,Zuid\n", ["Rij 2 heeft 3 kolommen"]),
    (b"adres_id,wijk\n,Noord\nA2,\n", ["Rij 2: 'adres_id' is leeg.", "Rij 3: 'wijk' is leeg."]),
    (b"id;buurt\nA1;Noord\n", ["De kolom 'wijk' ontbreekt"]),
    (b"adres_id,wijk\n", ["alleen een kopregel"]),
    (b"", ["Het bestand is leeg."]),
    (b"adres_id,wijk\n\xff\xfeA1,Noord\n", ["geen UTF-8"]),
    (b'adres_id,wijk\n"A1,Noord\n', ["geen geldig CSV-bestand"]),
]


def test_bad_extract_names_the_row_and_saves_nothing(client, world, raad):
    for data, messages in BAD_EXTRACTS:
        response = _upload(client, raad, data, world)
        assert response.status_code == 422, data
        assert "er is niets opgeslagen" in response.text
        for message in messages:
            assert message.replace("'", "&#39;") in response.text, (data, message)
    assert db.session.query(Uitnodiging).count() == 0
    assert db.session.get(Burgerraad, raad).status is BurgerraadStatus.OPZET
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "burgerraad.letters_drawn")) is None


def test_every_bad_row_is_listed(client, world, raad):
    data = b"adres_id;wijk\nA1;Noord\nA1;Zuid\nA3;Marte\nA4;noord\nA5;WK999902\n"
    response = _upload(client, raad, data, world)
    assert "Rij 3: adres_id" in response.text and "Rij 4: wijk" in response.text
    assert "Rij 5" not in response.text and "Rij 6" not in response.text  # names and CBS codes, any case


def test_missing_file_and_bad_numbers_are_form_errors(client, world, raad):
    response = client.post(f"/burgerraad/{raad}/brieven", data={"total": "0", "spread": "bevolking"},
                           content_type="multipart/form-data")
    assert "Kies een bestand." in response.text and db.session.query(Uitnodiging).count() == 0


def test_proportional_spread_seeded_and_stored_minimally(client, world, raad):
    assert _upload(client, raad, address_csv(100), world, total="30", seed="99").status_code == 302
    rows = db.session.scalars(select(Uitnodiging).order_by(Uitnodiging.id)).all()
    by_wijk = Counter(r.wijk_id for r in rows if r.slot == 1)
    assert by_wijk == {world["wijken"]["Noord"]: 10, world["wijken"]["Zuid"]: 20}  # 210 : 420 inwoners
    assert {c.name for c in Uitnodiging.__table__.columns} == {"id", "burgerraad_id", "address_id", "slot",
                                                               "wijk_id", "code"}
    assert len({r.code for r in rows}) == len(rows) == 60
    # the same seed gives the same addresses
    addresses = [(a, w) for a, w in (line.split(",") for line in address_csv(100).decode().split()[1:])]
    lookup = {"noord": world["wijken"]["Noord"], "zuid": world["wijken"]["Zuid"]}
    parsed = [(a, lookup[w.lower()]) for a, w in addresses]
    again = letters.draw_addresses(parsed, dict(by_wijk), 99)
    assert sorted(a for a, _ in again) == sorted({r.address_id for r in rows})
    assert letters.draw_addresses(parsed, dict(by_wijk), 100) != again
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "burgerraad.letters_drawn"))
    assert '"seed":99' in entry.details
    # a second draw is refused: the letters are out
    page = _upload(client, raad, address_csv(100), world)
    assert db.session.query(Uitnodiging).count() == 60 and "Deel 1: brieven 1 tot en met 30" in page.text


def test_response_spread_sends_more_letters_where_fewer_respond(client, world, raad):
    response = _upload(client, raad, address_csv(200), world, total="30", spread="respons",
                       **{f"respons_{world['wijken']['Noord']}": "5", f"respons_{world['wijken']['Zuid']}": "20"})
    assert response.status_code == 302
    rows = db.session.scalars(select(Uitnodiging).where(Uitnodiging.slot == 1)).all()
    by_wijk = Counter(r.wijk_id for r in rows)
    # weights 210/5 = 42 and 420/20 = 21: Noord gets twice as many letters
    assert by_wijk == {world["wijken"]["Noord"]: 20, world["wijken"]["Zuid"]: 10}


def test_response_rates_with_a_decimal_comma(client, world, raad):
    """Dutch users type 7,5: that is 7.5 percent, not a form error."""
    noord, zuid = world["wijken"]["Noord"], world["wijken"]["Zuid"]
    response = _upload(client, raad, address_csv(200), world, total="30", spread="respons",
                       **{f"respons_{noord}": "2,5", f"respons_{zuid}": " 10,0 "})
    assert response.status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "burgerraad.letters_drawn"))
    assert f'"response_rates":{{"{noord}":2.5,"{zuid}":10.0}}' in entry.details
    rows = db.session.scalars(select(Uitnodiging).where(Uitnodiging.slot == 1)).all()
    assert Counter(r.wijk_id for r in rows) == {noord: 20, zuid: 10}  # weights 210/2.5 = 84 and 420/10 = 42


def test_response_rate_that_is_no_number_is_a_form_error(client, world, raad):
    response = _upload(client, raad, address_csv(200), world, spread="respons",
                       **{f"respons_{world['wijken']['Noord']}": "7,5,1"})
    assert response.status_code == 200 and "Verwachte respons in Noord (%)" in response.text
    assert db.session.query(Uitnodiging).count() == 0


def test_letters_wait_until_the_wijk_question_matches_the_trajects_wijken(client, world, auth):
    """A wijk added to the traject after the questions were set: its residents' answers would fit no quota,
    and the questions are fixed once letters are out. First the question, then the letters."""
    from deliberatie.models import Traject, Wijk
    from tests.burgerraad.conftest import settings_form

    traject = db.session.get(Traject, world["traject"])
    traject.wijken = [w for w in traject.wijken if w.name == "Noord"]
    burgerraad = make_burgerraad(world)
    burgerraad_id = burgerraad.id
    assert [q.value for v in burgerraad.vragen if v.name == "wijk" for q in v.waarden] == ["Noord"]
    traject.wijken = list(db.session.scalars(select(Wijk)))
    db.session.commit()
    auth.login("org@example.org")
    response = _upload(client, burgerraad_id, address_csv(40), world)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{burgerraad_id}/instellingen")
    page = client.get(response.headers["Location"]).text
    assert "De wijken van het traject zijn veranderd sinds de vragen zijn ingesteld." in page
    assert db.session.query(Uitnodiging).count() == 0
    assert db.session.get(Burgerraad, burgerraad_id).status is BurgerraadStatus.OPZET
    assert client.post(f"/burgerraad/{burgerraad_id}/instellingen", data=settings_form()).status_code == 302
    assert _upload(client, burgerraad_id, address_csv(40), world).status_code == 302
    assert {u.wijk.name for u in db.session.scalars(select(Uitnodiging))} == {"Noord", "Zuid"}


def test_allocate_respects_capacity_and_total():
    assert letters.allocate(10, {1: 1.0, 2: 1.0}, {1: 2, 2: 100}) == {1: 2, 2: 8}
    assert letters.allocate(500, {1: 1.0, 2: 3.0}, {1: 5, 2: 7}) == {1: 5, 2: 7}
    result = letters.allocate(7, {1: 1.0, 2: 1.0, 3: 1.0}, {1: 9, 2: 9, 3: 9})
    assert sum(result.values()) == 7 and max(result.values()) - min(result.values()) <= 1


def test_codes_are_long_random_and_forgiving():
    codes = {letters.new_code() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    assert len(code.replace("-", "")) * 5 >= 64
    assert letters.normalise_code(code.lower().replace("-", " ")) == code
    typo = code.replace("0", "o").replace("1", "l")
    assert letters.normalise_code(typo) == code
    assert letters.normalise_code("ABCD") == "" and letters.normalise_code("U" * 16) == ""
