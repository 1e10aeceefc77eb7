"""The printable letters (fpdf2): one page per drawn address, each code with a QR code.

The PDF names no one: the municipality merges it with its own address file
by the address id printed small at the top of each page.
"""


import segno
from flask_babel import gettext as _
from fpdf import FPDF


def _draw_qr(pdf, url, x, y, size):
    """Draw the QR code as vector rectangles, one per run of dark modules, in a single path.

    Crisp at any print size, and much faster than placing an image per code.
    A fixed mask skips segno's search over the eight masks (any mask is valid).
    """
    matrix = segno.make(url, error="m", micro=False, mask=0).matrix
    module = size / (len(matrix) + 4)
    k, height = pdf.k, pdf.h
    ops = ["q 0 g"]
    for r, row in enumerate(matrix):
        c, width = 0, len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                left, top = x + (start + 2) * module, y + (r + 2) * module
                ops.append(f"{left * k:.2f} {(height - top) * k:.2f} {(c - start) * module * k:.2f} "
                           f"{-module * k:.2f} re")
            else:
                c += 1
    ops.append("f Q")
    pdf._out("\n".join(ops))  # fpdf2's content stream writer; rect() per run is 50x slower


def _lines(pdf, width, text):
    """Line breaks of ``text`` at the current font, computed once for every letter."""
    return pdf.multi_cell(width, 6, text, dry_run=True, output="LINES")


def _paragraph(pdf, lines, height=6):
    for line in lines:
        pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")


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
    title = _latin1(_("Uitnodiging: %(title)s", title=traject.title))
    body = _latin1(_("Beste bewoner, de gemeente %(gemeente)s nodigt u uit om mee te doen aan een burgerraad. "
                     "Uw adres is door loting gekozen. %(opgave)s Aanmelden kan tot de loting; daarna "
                     "kiest een eerlijke loting de leden, zo dat de burgerraad lijkt op alle inwoners.",
                     gemeente=gemeente, opgave=traject.opgave))
    privacy = _latin1(_("Waarvoor gebruiken we uw gegevens: %(purpose)s. We wissen ze na %(date)s.",
                        purpose=burgerraad.purpose, date=burgerraad.term_ends_on.strftime("%d-%m-%Y")))
    codes_text = _latin1(_("Meld u aan met een van de codes hieronder. Elke code is voor één persoon uit uw "
                           "huishouden."))
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("Helvetica", "B", 16)
    title_lines = _lines(pdf, width, title)
    pdf.set_font("Helvetica", size=11)
    body_lines, privacy_lines, codes_lines = (_lines(pdf, width, t) for t in (body, privacy, codes_text))
    first = True
    for address_id, wijk, codes in letters:
        if not first:
            pdf.add_page()
        first = False
        pdf.set_font("Helvetica", size=8)
        pdf.cell(0, 5, _latin1(f"{address_id} · {wijk}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(20)
        pdf.set_font("Helvetica", "B", 16)
        _paragraph(pdf, title_lines, 8)
        pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        _paragraph(pdf, body_lines)
        pdf.ln(2)
        _paragraph(pdf, privacy_lines)
        pdf.ln(4)
        _paragraph(pdf, codes_lines)
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
            pdf.cell(0, 5, _latin1(url), new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(top + 34)
    return bytes(pdf.output())
