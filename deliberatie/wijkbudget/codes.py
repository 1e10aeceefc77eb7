"""Stemcodes: generating, hashing, revoking, and the CSV and PDF letters.

The codes themselves (alphabet, 80 bits, grouping, ``HMAC-SHA256`` with a
random salt per wijkbudget, the CSV) are those of :mod:`deliberatie.codes`;
this module adds the wijkbudget's table and the rule that a code is used once.
The plain codes exist only in the organiser's download.
"""

from sqlalchemy import bindparam, exists, select, update

from ..codes import ALPHABET, GROUP, LENGTH, MAX_PER_BATCH, codes_csv, format_code, fresh_codes, new_salt, \
    normalise, random_code, salted_hash
from ..database import read_once
from ..extensions import db
from ..letters import Letter, Paragraph, letters_pdf
from .models import CodeStatus, Phase, Wijkbudget, WijkbudgetCode

_CODES = WijkbudgetCode.__table__

__all__ = ["ALPHABET", "GROUP", "LENGTH", "MAX_PER_BATCH", "CodeRejected", "code_counts", "code_hash", "codes_csv",
           "codes_pdf", "format_code", "generate_codes", "mark_used", "new_salt", "normalise", "random_code",
           "revoke_code", "unused_code_hash", "verify_batch"]


class CodeRejected(Exception):
    """Wrong, used or revoked: deliberately one exception, so one message."""


def code_hash(wijkbudget, code) -> str:
    return salted_hash(wijkbudget.code_salt, code)


# The voting path's statements, built once: SQLAlchemy then reuses their compiled form at no cost.
_STATUS = select(_CODES.c.status).where(_CODES.c.wijkbudget_id == bindparam("wb"),
                                        _CODES.c.code_hash == bindparam("digest"))


def _use_statement(*, in_period):
    wb = Wijkbudget.__table__
    still_open = [wb.c.id == bindparam("wb"), wb.c.phase == Phase.STEMMEN]
    if in_period:
        still_open += [wb.c.voting_starts_on <= bindparam("open_on", type_=wb.c.voting_starts_on.type),
                       wb.c.voting_ends_on >= bindparam("open_on", type_=wb.c.voting_ends_on.type)]
    return (update(_CODES)
            .where(_CODES.c.wijkbudget_id == bindparam("wb"), _CODES.c.code_hash == bindparam("digest"),
                   _CODES.c.status == CodeStatus.UNUSED, exists().where(*still_open))
            .values(status=CodeStatus.USED, used_on=bindparam("today", type_=_CODES.c.used_on.type)))


_USE = _use_statement(in_period=True)
_USE_PAPER = _use_statement(in_period=False)


def unused_code_hash(wijkbudget, code) -> str:
    """The stored hash of ``code`` if it is an unused code of this wijkbudget, else :class:`CodeRejected`."""
    digest = code_hash(wijkbudget, code)
    found = read_once(_STATUS, {"wb": wijkbudget.id, "digest": digest})
    if not found or found[0].status is not CodeStatus.UNUSED:
        raise CodeRejected()
    return digest


def generate_codes(wijkbudget, n: int) -> list[str]:
    """Create ``n`` unused codes; returns the plain codes (shown once, never stored)."""
    codes, hashes = fresh_codes(n, wijkbudget.code_salt)
    db.session.add_all(WijkbudgetCode(wijkbudget_id=wijkbudget.id, code_hash=h) for h in hashes)
    db.session.flush()
    return codes


def mark_used(wijkbudget, digest, *, today, open_on=None) -> None:
    """Flip the code with hash ``digest`` to used; exactly one row must change, else :class:`CodeRejected`.

    This conditional UPDATE is what makes a second ballot with the same code
    impossible: the database serialises concurrent updates of the row and the
    loser sees ``status = 'used'`` and changes nothing.

    With ``open_on`` (a day) the same statement also requires the wijkbudget
    to be in the voting phase with ``open_on`` inside its voting period, as
    the database has it at that moment (not as a page read it earlier); without
    it only the phase (paper ballots are entered after the period too). Which
    of the two refused is for the caller to ask (:func:`voting.submit_ballot`).
    """
    params = {"wb": wijkbudget.id, "digest": digest, "today": today}
    if open_on is None:
        result = db.session.execute(_USE_PAPER, params)
    else:
        result = db.session.execute(_USE, {**params, "open_on": open_on})
    if result.rowcount != 1:
        raise CodeRejected()


def revoke_code(wijkbudget, code) -> None:
    """Revoke an unused code (a lost letter); used codes stay used, also when used meanwhile."""
    result = db.session.execute(
        update(_CODES)
        .where(_CODES.c.wijkbudget_id == wijkbudget.id, _CODES.c.code_hash == code_hash(wijkbudget, code),
               _CODES.c.status == CodeStatus.UNUSED)
        .values(status=CodeStatus.REVOKED))
    if result.rowcount != 1:
        raise CodeRejected()


def verify_batch(wijkbudget, codes) -> list[str]:
    """The codes (normalised) that are unused codes of this wijkbudget, in the given order."""
    wanted = {code_hash(wijkbudget, c): format_code(c) for c in codes if normalise(c)}
    if not wanted:
        return []
    found = set(db.session.scalars(select(WijkbudgetCode.code_hash).where(
        WijkbudgetCode.wijkbudget_id == wijkbudget.id,
        WijkbudgetCode.status == CodeStatus.UNUSED,
        WijkbudgetCode.code_hash.in_(list(wanted)))))
    return [code for h, code in wanted.items() if h in found]


def code_counts(wijkbudget) -> dict:
    rows = db.session.execute(
        select(WijkbudgetCode.status, db.func.count()).where(WijkbudgetCode.wijkbudget_id == wijkbudget.id)
        .group_by(WijkbudgetCode.status)).all()
    counts = {status: 0 for status in CodeStatus}
    counts.update(dict(rows))
    return counts


def codes_pdf(codes, url_for_code, *, title, gemeente, period, budget) -> bytes:
    """A printable letter per code with a QR code that opens the vote with the code filled in."""
    body = (f"Beste bewoner,\n\nSamen beslissen we hoe {budget} wordt besteed in uw wijk. "
            f"U kunt stemmen van {period}. Met de code hieronder kunt u één keer stemmen. "
            "Uw stem is geheim: de gemeente ziet niet wat u kiest.\n\n"
            "Ga naar de website hieronder of scan de QR-code met uw telefoon.")
    paragraphs = [Paragraph(f"Gemeente {gemeente}", size=18, bold=True, leading=9, space_after=0),
                  Paragraph(f"Stem mee: {title}", size=15, bold=True, leading=8),
                  Paragraph(body, size=12, leading=6.5, space_after=2)]
    return letters_pdf((Letter(((code, url_for_code(code)),)) for code in codes), title=title,
                       paragraphs=paragraphs, code_label="Uw persoonlijke stemcode:", author=f"Gemeente {gemeente}",
                       qr_size=45)
