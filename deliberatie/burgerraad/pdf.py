"""The printable letters (fpdf2): one page per drawn address, each code with a QR code.

The PDF names no one: the municipality merges it with its own address file
by the address id printed small at the top of each page.
"""

import io

import segno
from flask_babel import gettext as _
from fpdf import FPDF


def _draw_qr(pdf, url, x, y, size):
    """Place the QR code as a PNG. A fixed mask skips segno's search over the eight masks
    (any mask is valid for readers), which makes a batch of letters several times faster."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False, mask=0).save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    pdf.image(buffer, x=x, y=y, w=size, h=size)


def _latin1(text):
    """The PDF's core font covers Latin-1; replace what it cannot draw."""
    return str(text).replace("€", "EUR").replace("–", "-").replace("’", "'").encode(
        "latin-1", "replace").decode("latin-1")


def letters_pdf(*, gemeente, traject, burgerraad, letters, register_url):
    """Bytes of the PDF. ``register_url(code)`` gives the link with the code filled in."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(_latin1(_("Uitnodiging burgerraad: %(title)s", title=traject.title)))
    pdf.set_author(_latin1(gemeente))
    for address_id, wijk, codes in letters:
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.cell(0, 5, _latin1(f"{address_id} · {wijk}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(20)
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 8, _latin1(_("U bent uitgeloot voor de burgerraad %(title)s", title=traject.title)),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        body = _("Beste bewoner, de gemeente %(gemeente)s nodigt u uit om mee te doen aan een burgerraad. "
                 "Uw adres is door loting gekozen. %(opgave)s Aanmelden kan tot de loting; daarna "
                 "kiest een eerlijke loting de leden, zo dat de burgerraad lijkt op alle inwoners.",
                 gemeente=gemeente, opgave=traject.opgave)
        pdf.multi_cell(0, 6, _latin1(body), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.multi_cell(0, 6, _latin1(_("Waarvoor gebruiken we uw gegevens: %(purpose)s. We wissen ze na "
                                       "%(date)s.", purpose=burgerraad.purpose,
                                       date=burgerraad.term_ends_on.strftime("%d-%m-%Y"))),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.multi_cell(0, 6, _latin1(_("Meld u aan met een van de codes hieronder. Elke code is voor één "
                                       "persoon uit uw huishouden.")), new_x="LMARGIN", new_y="NEXT")
        for code in codes:
            pdf.ln(4)
            top = pdf.get_y()
            url = register_url(code)
            _draw_qr(pdf, url, pdf.l_margin, top, 32)
            pdf.set_xy(pdf.l_margin + 38, top + 4)
            pdf.set_font("Courier", "B", 16)
            pdf.cell(0, 8, code, new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(pdf.l_margin + 38)
            pdf.set_font("Helvetica", size=9)
            pdf.multi_cell(0, 5, _latin1(url), new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(top + 34)
    return bytes(pdf.output())
