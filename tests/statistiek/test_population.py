"""Importing population figures per wijk: whole wijken replaced, row errors, nothing half-saved."""

from sqlalchemy import select

from deliberatie.extensions import db
from deliberatie.models import AuditEntry, Wijk, WijkPopulatie
from tests.statistiek.conftest import FIGURES, figures_csv


def _upload(client, text, name="cijfers.csv"):
    import io

    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/statistiek/bevolking/importeren", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _figures(name):
    wijk = db.session.scalar(select(Wijk).filter_by(name=name))
    return {(r.variable, r.category): (r.count, r.base) for r in
            db.session.scalars(select(WijkPopulatie).filter_by(wijk_id=wijk.id))}


def test_good_file_replaces_the_named_wijk_only(client, auth, world):
    auth.login("beheer@example.org")
    figures = [("geslacht", "man", 1500, "alle inwoners"), ("geslacht", "vrouw", 1400, "")]
    text = figures_csv(("Noord",), figures) + ",geslacht,man,99999,\n"
    response = _upload(client, text)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "zijn vervangen" in page and "overgeslagen" in page
    assert _figures("Noord") == {("geslacht", "man"): (1500, "alle inwoners"),
                                 ("geslacht", "vrouw"): (1400, "alle inwoners")}
    assert len(_figures("Zuid")) == len(FIGURES)
    assert _upload(client, text).status_code == 302  # the same file again: replaced, not doubled
    assert len(_figures("Noord")) == 2
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.action == "statistiek.population_import" and "Noord" in entry.details


def test_cbs_code_names_a_wijk_too(client, auth, world):
    auth.login("beheer@example.org")
    code = db.session.scalar(select(Wijk).filter_by(name="Zuid")).cbs_code
    assert _upload(client, f"wijk,variable,category,count\n{code},geslacht,man,7\n").status_code == 302
    assert _figures("Zuid") == {("geslacht", "man"): (7, "alle inwoners")}


def _refused(client, text):
    """The page of a refused upload, after checking that no wijk's figures changed."""
    before = (_figures("Noord"), _figures("Zuid"))
    response = _upload(client, text)
    assert response.status_code == 422 and "Er is niets opgeslagen" in response.text
    assert (_figures("Noord"), _figures("Zuid")) == before
    return response.text


def test_bad_rows_are_all_listed_and_nothing_is_saved(client, auth, world):
    auth.login("beheer@example.org")
    page = _refused(client, "wijk,variable,category,count,base\n"
                            "Noord,geslacht,man,10,\n"
                            "Nergens,geslacht,vrouw,10,\n"
                            "Zuid,geslacht,vrouw,tien,\n"
                            "Zuid,leeftijd,15-24,12.5,\n"
                            "Zuid,opleiding,hoog,5,vijftien plus\n")
    assert "Regel 3: de wijk ‘Nergens’ bestaat niet" in page
    assert "Regel 4: ‘tien’ is geen geldig aantal" in page
    assert "Regel 5: ‘12.5’ is geen heel aantal" in page
    assert "Regel 6: ‘vijftien plus’ is geen leeftijdsgroep" in page


def test_counts_with_a_dutch_thousands_separator_are_refused(client, auth, world):
    """'2.000' from a Dutch spreadsheet is two thousand residents, not 2: refuse it, naming row and field."""
    auth.login("beheer@example.org")
    counts = ("2.000", "1.995", "12.345.678", "0.500", "2000.0")
    rows = [f"{w},geslacht,{c},{n}," for (w, c), n in zip(
        [("Noord", "man"), ("Noord", "vrouw"), ("Zuid", "man"), ("Zuid", "vrouw"), ("Noord", "anders")], counts)]
    page = _refused(client, "\n".join(["wijk,variable,category,count,base", *rows]) + "\n")
    assert "Regel 2: in ‘2.000’ staat een punt tussen de duizendtallen. Schrijf aantallen zonder punt: 2000." in page
    assert "Regel 3: in ‘1.995’ staat een punt tussen de duizendtallen" in page
    assert "Regel 4: in ‘12.345.678’ staat een punt" in page and "zonder punt: 12345678." in page
    assert "Regel 5: ‘0.5’ is geen heel aantal" in page  # a share, not a thousands separator
    assert "Regel 6" not in page  # 2000.0 is a whole number written with a decimal point


def test_a_row_with_more_columns_than_the_header_is_refused(client, auth, world):
    """'3,340' unquoted splits into 3 and 340: without a base column the 340 fell off silently."""
    auth.login("beheer@example.org")
    page = _refused(client, "wijk,variable,category,count\n"
                            "Noord,geslacht,man,3,340\n"
                            "Noord,geslacht,vrouw,3480,,\n"      # empty trailing cells are harmless
                            '"Zuid","geslacht","man","3,340"\n')  # quoted: one (bad) number
    assert ("Regel 2: deze regel heeft 5 kolommen en de kopregel 4. Staat er een komma in een getal of naam?"
            in page)
    assert "Regel 3" not in page and "Regel 4: ‘3,340’ is geen geldig aantal" in page


def test_errors_across_rows_and_of_the_whole_file(client, auth, world):
    auth.login("beheer@example.org")
    duplicate = "wijk,variable,category,count\nNoord,geslacht,man,1\nNoord,geslacht,man,2\n"
    assert "staat er twee keer in (ook op regel 2)" in _upload(client, duplicate).text
    code = db.session.scalar(select(Wijk).filter_by(name="Noord")).cbs_code
    same_wijk = f"wijk,variable,category,count\nNoord,geslacht,man,1\n{code},geslacht,man,2\n"
    assert "Regel 3: geslacht ‘man’ staat er twee keer in (ook op regel 2)" in _upload(client, same_wijk).text
    assert "Regel 2: 1000000000 inwoners is meer dan" in _upload(
        client, "wijk,variable,category,count\nNoord,geslacht,man,1e9\n").text
    assert "puntkomma" in _upload(client, "wijk;variable;category;count\nNoord;geslacht;man;1\n").text
    assert "De kolom ‘count’ ontbreekt" in _upload(client, "wijk,variable,category\nNoord,geslacht,man\n").text
    assert "geen UTF-8" in _upload(client, "wijk,variable,category,count\nZuidérf,a,b,1\n".encode("latin-1")).text
    bad_band = "wijk,variable,category,count\nNoord,leeftijd,jong,1\nNoord,leeftijd,65+,1\n"
    assert "leeftijdsgroep ‘jong’ is geen leeftijd" in _upload(client, bad_band).text
    gemeente_only = "wijk,variable,category,count\n,geslacht,man,1\n"
    assert "geen regels voor een wijk" in _upload(client, gemeente_only).text
    assert "Kies een CSV-bestand" in client.post("/statistiek/bevolking/importeren", data={}).text


def test_figures_page_shows_wijken_gemeente_and_one_base(client, auth, world):
    auth.login("raad@example.org")
    page = client.get("/statistiek/bevolking").text
    assert "Noord" in page and "Zuid" in page
    gemeente = page[page.index('id="gemeente"'):page.index('id="wijken"')]
    assert "2.000" in gemeente and ">476<" in gemeente  # 2 x 1,000 men, 2 x 238 aged 15-24
    assert "Inwoners van 15 jaar en ouder: 3.400" in page
    # education (1,500 aged 15-74 per wijk) is rescaled to the 1,700 aged 15+: factor 1.133
    assert "1,133" in page and "Cijfers importeren" not in page


def test_figures_page_says_why_no_common_base(client, auth, world):
    for wijk in db.session.scalars(select(Wijk)):
        wijk.populatie.append(WijkPopulatie(variable="leeftijd", category="10-19", count=5, base=""))
    db.session.commit()
    auth.login("beheer@example.org")
    page = client.get("/statistiek/bevolking").text
    assert "Dat lukt nu niet" in page and "leeftijdsgroep ‘10-19’ valt maar voor een deel binnen 15+" in page
    assert "Cijfers importeren" in page


def test_demo_figures_come_to_one_base(app, monkeypatch):
    """Lindewaard's figures (ages over all residents, education over 15-74) give margins on 15+."""
    from deliberatie.demo import seed_demo
    from deliberatie.models import Gemeente, user
    from deliberatie.statistiek.population import overview
    from tests.statistiek.conftest import _fast_hash

    monkeypatch.setattr(user, "generate_password_hash", _fast_hash)
    seed_demo()
    db.session.commit()
    result = overview(db.session.scalar(select(Gemeente)))
    assert result.error is None and not result.missing
    pm = result.margins
    assert pm.base == (15, None) and "0-14" not in pm.margins["leeftijd"]
    assert set(pm.margins) == {"geslacht", "leeftijd", "opleiding", "herkomst", "wijk"}
    assert pm.factors["leeftijd"] == 1.0 and pm.factors["opleiding"] > 1.0  # 15-74 brought to 15+
    totals = {v: sum(c.values()) for v, c in pm.margins.items()}
    assert all(abs(t - pm.total) < 1e-6 * pm.total for t in totals.values())
