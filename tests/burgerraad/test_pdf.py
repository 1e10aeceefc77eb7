"""The invitation letters: one page per address, up to four codes on it, each with a QR code that reads as its link."""

from datetime import date
from types import SimpleNamespace

from deliberatie.burgerraad.letters import new_code
from deliberatie.burgerraad.pdf import letters_pdf
from tests.wijkbudget.pdf_letters import check_structure, drawn_qr_matrices, joined, read_pages, segno_matrix


def _link(code):
    return f"https://deliberatie.example.nl/burgerraad/aanmelden?code={code}"


def test_one_page_per_address_with_all_its_codes(app):
    traject = SimpleNamespace(title="Burgerraad Klimaat – € 2 miljoen",
                              opgave="Hoe besteden we het klimaatgeld? " * 6)
    burgerraad = SimpleNamespace(purpose="de loting en contact met de leden", term_ends_on=date(2027, 6, 30))
    letters = [(f"A{i:03}", "Noord" if i % 2 else "Zuid", [new_code() for _ in range(n)])
               for i, n in enumerate((1, 2, 4, 3))]
    with app.test_request_context():  # the texts are translated for the organiser's language
        pdf = letters_pdf(gemeente="Utrecht", traject=traject, burgerraad=burgerraad, letters=letters,
                          register_url=_link)
    check_structure(pdf)
    pages = read_pages(pdf)
    assert len(pages) == len(letters)
    for (address_id, wijk, codes), (text, qrs) in zip(letters, pages):
        assert f"{address_id} · {wijk}" in text and "Uitnodiging: Burgerraad Klimaat – € 2 miljoen" in text
        assert "30-06-2027" in text and "de gemeente Utrecht nodigt u uit" in text
        assert all(code in text and _link(code) in joined(text) for code in codes)
        assert qrs == sorted(_link(code) for code in codes)  # every QR on the page, even four of them
    drawn = drawn_qr_matrices(pdf)
    all_codes = [code for _, _, codes in letters for code in codes]
    assert len(drawn) == len(all_codes)
    assert all((matrix == segno_matrix(_link(code))).all() for matrix, code in zip(drawn, all_codes))
