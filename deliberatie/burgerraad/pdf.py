"""The printable letters (fpdf2): one page per drawn address, each code with a QR code.

The PDF names no one: the municipality merges it with its own address file
by the address id printed small at the top of each page.
"""


from flask_babel import gettext as _

from ..letters import Letter, Paragraph, letters_pdf as render_letters


def letters_pdf(*, gemeente, traject, burgerraad, letters, register_url):
    """Bytes of the PDF. ``register_url(code)`` gives the link with the code filled in."""
    title = _("Uitnodiging: %(title)s", title=traject.title)
    body = _("Beste bewoner, de gemeente %(gemeente)s nodigt u uit om mee te doen aan een burgerraad. "
             "Uw adres is door loting gekozen. %(opgave)s Aanmelden kan tot de loting; daarna "
             "kiest een eerlijke loting de leden, zo dat de burgerraad lijkt op alle inwoners.",
             gemeente=gemeente, opgave=traject.opgave)
    privacy = _("Waarvoor gebruiken we uw gegevens: %(purpose)s. We wissen ze na %(date)s.",
                purpose=burgerraad.purpose, date=burgerraad.term_ends_on.strftime("%d-%m-%Y"))
    codes_text = _("Meld u aan met een van de codes hieronder. Elke code is voor één persoon uit uw "
                   "huishouden.")
    paragraphs = [Paragraph(title, size=16, bold=True, leading=8),
                  Paragraph(body, size=11, leading=6, space_after=2),
                  Paragraph(privacy, size=11, leading=6),
                  Paragraph(codes_text, size=11, leading=6)]
    pages = (Letter(tuple((code, register_url(code)) for code in codes), header=f"{address_id} · {wijk}")
             for address_id, wijk, codes in letters)
    return render_letters(pages, title=_("Uitnodiging burgerraad: %(title)s", title=traject.title),
                          paragraphs=paragraphs, author=gemeente, qr_size=32, code_size=16)
