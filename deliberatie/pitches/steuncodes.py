"""Steuncodes: residents without an account support pitches with the code from a letter.

The organiser makes codes for the pitch round and sends them by post, as
municipalities do with stemcodes; the codes are those of
:mod:`deliberatie.codes` (80 bits, no look-alikes, only a salted hash kept).
A code supports every pitch of its round at most once, exactly as an account
does, and counts towards the threshold the same way
(:func:`services.add_support`). A support row names the code's row, not the
code; the rows are stored in the order of their hashes, so a row id says
nothing about which letter it was.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..codes import format_code, fresh_codes, new_salt, normalise, salted_hash
from ..extensions import db
from ..letters import Letter, Paragraph, letters_pdf
from ..locking import lock
from .models import Steuncode
from .services import ServiceError, add_support, ronde_for


def generate(ronde, actor, n: int) -> list[str]:
    """Make ``n`` steuncodes for ``ronde``; returns the plain codes (shown once, never stored)."""
    # Lock the round: two organisers making the first codes at once must not set two salts.
    ronde = lock(ronde)
    if ronde.code_salt is None:
        ronde.code_salt = new_salt()
    codes, hashes = fresh_codes(n, ronde.code_salt)
    db.session.add_all(Steuncode(ronde_id=ronde.id, code_hash=h) for h in hashes)
    db.session.flush()
    audit.record(actor, "pitches.steuncodes", f"pitches-ronde:{ronde.id}", traject_id=ronde.traject_id,
                 count=n, total=count(ronde))
    return codes


def count(ronde) -> int:
    if ronde is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Steuncode).where(Steuncode.ronde_id == ronde.id))


def _digest(ronde, code):
    if ronde is None or ronde.code_salt is None or not normalise(code):
        return None
    return salted_hash(ronde.code_salt, code)


def find(ronde, code) -> Steuncode:
    """The steuncode row of ``code`` in ``ronde``, else ServiceError("code_rejected")."""
    digest = _digest(ronde, code)
    row = None if digest is None else db.session.scalar(
        select(Steuncode).where(Steuncode.ronde_id == ronde.id, Steuncode.code_hash == digest))
    if row is None:
        raise ServiceError("code_rejected")
    return row


def verify_batch(ronde, codes) -> list[str]:
    """Those of ``codes`` that are steuncodes of ``ronde``, formatted, in the given order."""
    wanted = {d: format_code(c) for c in codes if (d := _digest(ronde, c)) is not None}
    if not wanted:
        return []
    found = set(db.session.scalars(select(Steuncode.code_hash).where(
        Steuncode.ronde_id == ronde.id, Steuncode.code_hash.in_(list(wanted)))))
    return [code for digest, code in wanted.items() if digest in found]


def support_with_code(pitch, code) -> int:
    """One support for ``pitch`` with a steuncode of its round; returns the count.

    ServiceError("code_rejected") for a code that is not one of this round's
    (wrong, mistyped, another round's): one answer, so a guess learns nothing;
    ServiceError("code_already_counted") when this code already supports this pitch.
    """
    row = find(ronde_for(pitch.traject), code)
    try:
        return add_support(pitch, steuncode_id=row.id)
    except ServiceError as error:
        raise ServiceError("code_already_counted") from error


def letters(ronde, codes, link) -> bytes:
    """A printable letter per code (PDF): what the code is for, the code, and ``link`` as text and QR code.

    The link is the round's page, the same on every letter: a code is typed
    per pitch, so it is not in the link.
    """
    traject = ronde.traject
    gemeente = traject.gemeente.name
    body = "\n\n".join([
        _("Beste bewoner,"),
        _("Inwoners hebben plannen ingediend voor %(title)s. Een plan met %(n)s steunbetuigingen komt op de "
          "agenda.", title=traject.title, n=ronde.support_threshold),
        _("Met de code hieronder kunt u elk plan één keer steunen. U hebt geen account nodig."),
        _("Ga naar de website hieronder of scan de QR-code met uw telefoon. Kies een plan en vul daar uw code "
          "in.")])
    paragraphs = [Paragraph(_("Gemeente %(gemeente)s", gemeente=gemeente), size=18, bold=True, leading=9,
                            space_after=0),
                  Paragraph(_("Steun een plan: %(title)s", title=traject.title), size=15, bold=True, leading=8),
                  Paragraph(body, size=12, leading=6.5, space_after=2)]
    return letters_pdf((Letter(((code, link),)) for code in codes), title=traject.title, paragraphs=paragraphs,
                       code_label=_("Uw persoonlijke steuncode:"), author=gemeente, qr_size=45)
