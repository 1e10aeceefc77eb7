"""Pitch use cases. Services flush; the view commits.

Locks (:func:`~deliberatie.locking.lock`) are taken in one order: the round,
then a jury member, then pitches (in id order), then the audit log. Requests
may wait for one another but never in a circle (a deadlock); a step that
needs no round (a support) skips it and keeps the order of the rest.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..auth.services import find_active_user
from ..extensions import db
from ..locking import lock
from ..mail import send_mail
from ..models.types import utcnow
from . import permissions
from .models import (Criterium, JuryKind, JuryLid, JuryScore, Pitch, PitchImage, PitchRonde, PitchStatus,
                     PitchUpdate, Steun)

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 8000
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


class ServiceError(Exception):
    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def pitches_for(traject) -> list[Pitch]:
    return db.session.scalars(select(Pitch).where(Pitch.traject_id == traject.id).order_by(Pitch.id)).all()


def ronde_for(traject) -> PitchRonde | None:
    return db.session.scalar(select(PitchRonde).where(PitchRonde.traject_id == traject.id))


def support_count(pitch, *, until=None) -> int:
    """The pitch's support, all of it or only that given at or before ``until``."""
    query = select(func.count()).select_from(Steun).where(Steun.pitch_id == pitch.id)
    if until is not None:
        query = query.where(Steun.created_at <= until)
    return db.session.scalar(query)


def check_image(data: bytes) -> str:
    """The content type of an acceptable image, else ServiceError("bad_image").

    Only PNG and JPEG, at most 2 MB, decodable by Pillow and of sane size:
    we never serve what we could not read ourselves.
    """
    if not data or len(data) > MAX_IMAGE_BYTES:
        raise ServiceError("image_too_big" if data else "bad_image")
    from PIL import Image  # fpdf2's dependency

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except Exception as error:  # Pillow raises many types for broken files
        raise ServiceError("bad_image") from error
    if kind not in IMAGE_TYPES or max(size) > MAX_IMAGE_SIDE:
        raise ServiceError("bad_image")
    return IMAGE_TYPES[kind]


def _add_image(pitch, image):
    if image and image[0]:
        data, alt = image
        pitch.images.append(PitchImage(content_type=check_image(data), data=data, alt=(alt or "").strip()[:300]))


def submit_pitch(traject, user, data: dict, *, image=None) -> Pitch:
    """A new pitch, status "ontvangen"; ``image`` is (bytes, alt text) or None."""
    pitch = Pitch(traject=traject, initiator=user, title=data["title"].strip(), problem=data["problem"],
                  plan=data["plan"], cost_cents=data["cost_cents"], wijk_id=data.get("wijk") or None,
                  ask=data.get("ask") or "", dragers=data.get("dragers") or "")
    _add_image(pitch, image)
    pitch.updates.append(PitchUpdate(status=PitchStatus.ONTVANGEN, reason=""))
    db.session.add(pitch)
    db.session.flush()
    return pitch


def update_pitch(pitch, data: dict, *, image=None) -> Pitch:
    for key in ("problem", "plan", "cost_cents", "ask", "dragers"):
        setattr(pitch, key, data.get(key) or ("" if key != "cost_cents" else 0))
    pitch.title = data["title"].strip()
    pitch.wijk_id = data.get("wijk") or None
    _add_image(pitch, image)
    db.session.flush()
    return pitch


def pitch_from_idee(idee, actor) -> Pitch:
    """Turn a thematafel idea into a pitch the organiser completes (cost still 0); once per idea."""
    lock(idee)
    existing = db.session.scalar(select(Pitch).where(Pitch.idee_id == idee.id))
    if existing is not None:
        return existing
    event = idee.tafel.thema.event
    arguments = "\n".join(f"{a.side.value}: {a.text}" for a in idee.arguments)
    pitch = Pitch(traject=event.traject, initiator=actor, idee_id=idee.id, title=idee.title[:200],
                  problem=idee.description or idee.title,
                  plan="\n\n".join(p for p in (idee.description, arguments) if p) or idee.title,
                  cost_cents=0, dragers=_("Tafel %(t)s, %(e)s", t=idee.tafel.label, e=event.title))
    pitch.updates.append(PitchUpdate(status=PitchStatus.ONTVANGEN, reason=_("Ontstaan aan een thematafel.")))
    db.session.add(pitch)
    db.session.flush()
    audit.record(actor, "pitches.from_idee", f"pitch:{pitch.id}", traject_id=event.traject_id, idee=idee.id)
    return pitch


def pitch_ids_for_ideas(rows) -> dict[int, int]:
    ids = [r.idee.id for r in rows]
    if not ids:
        return {}
    return dict(db.session.execute(select(Pitch.idee_id, Pitch.id).where(Pitch.idee_id.in_(ids))).all())


def _notify(users, subject, body):
    for user in {u.id: u for u in users if u is not None and u.active}.values():
        send_mail(user.email, subject, body)


def support(pitch, user) -> int:
    """Add one resident's support with their account; see :func:`add_support`."""
    return add_support(pitch, user=user)


def add_support(pitch, **supporter) -> int:
    """Add one support (``user=`` an account or ``steuncode_id=`` a code); returns the count.

    At the round's threshold the pitch goes on the agenda and the initiator
    hears of it, whoever gave the support. The pitch row is locked first, so
    concurrent supports of one pitch are counted one after another: each count
    includes every support committed before it, and exactly one support
    crosses the threshold (a lowered threshold does the same in :func:`save_ronde`).
    A second support by the same account or code breaks a unique key:
    ServiceError("already_supported").
    """
    lock(pitch)
    try:
        with db.session.begin_nested():
            db.session.add(Steun(pitch=pitch, **supporter))
    except IntegrityError:
        raise ServiceError("already_supported") from None
    count = support_count(pitch)
    # Reread the round: an organiser may have changed the threshold while this request held a stale copy.
    ronde = db.session.scalar(select(PitchRonde).where(PitchRonde.traject_id == pitch.traject_id)
                              .execution_options(populate_existing=True))
    if ronde is not None and pitch.on_agenda_at is None and count >= ronde.support_threshold:
        _put_on_agenda(pitch, None, count, ronde.support_threshold)
    db.session.flush()
    return count


def _put_on_agenda(pitch, actor, count: int, threshold: int) -> None:
    """The threshold's transition: on the agenda, audited, the initiator told. The caller locked the pitch."""
    pitch.on_agenda_at = utcnow()
    audit.record(actor, "pitches.agenda", f"pitch:{pitch.id}", traject_id=pitch.traject_id,
                 support=count, threshold=threshold)
    _notify([pitch.initiator], _("Uw pitch staat op de agenda"),
            _("Uw pitch \"%(title)s\" heeft %(n)s steunbetuigingen en staat nu op de agenda.",
              title=pitch.title, n=count))


def _lock_off_agenda(traject) -> list[Pitch]:
    """Lock and reread the traject's pitches not (yet) on the agenda and not rejected, in id order.

    A rejected pitch takes no support (:func:`permissions.can_support`), so no
    threshold puts it on the agenda either.
    """
    return db.session.scalars(
        select(Pitch).where(Pitch.traject_id == traject.id, Pitch.on_agenda_at.is_(None),
                            Pitch.status != PitchStatus.AFGEWEZEN)
        .order_by(Pitch.id).with_for_update().execution_options(populate_existing=True)).all()


def set_status(pitch, actor, status: PitchStatus, reason: str) -> PitchUpdate:
    reason = (reason or "").strip()
    if status is PitchStatus.AFGEWEZEN and not reason:
        raise ServiceError("reason_required")
    pitch.status, pitch.status_reason = status, reason
    update = PitchUpdate(status=status, reason=reason)
    pitch.updates.append(update)
    db.session.flush()
    audit.record(actor, "pitches.status", f"pitch:{pitch.id}", traject_id=pitch.traject_id,
                 status=status.value, reason=reason)
    supporters = [s.user for s in pitch.support]
    _notify([pitch.initiator] + supporters, _("Nieuws over de pitch \"%(title)s\"", title=pitch.title),
            _("De pitch \"%(title)s\" heeft een nieuwe status: %(status)s.\n\n%(reason)s",
              title=pitch.title, status=status.value.replace("_", " "), reason=reason))
    return update


def parse_criteria(text: str):
    """Lines "Naam" or "Naam | max" -> [(name, max)]; raises ValueError(line number)."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, top = line.partition("|")
        try:
            top = int(top) if top.strip() else 10
        except ValueError:
            raise ValueError(number) from None
        if not name.strip() or len(name.strip()) > 120 or not 1 <= top <= 100:
            raise ValueError(number)
        out.append((name.strip(), top))
    return out


def save_ronde(traject, actor, data: dict) -> PitchRonde:
    """Create or change the round; pitches that now meet its threshold go on the agenda in this transaction.

    The round is locked and reread first, so a change racing a publish sees it
    (and its weights are then locked) or goes before it.
    """
    ronde = ronde_for(traject)
    if ronde is None:
        ronde = PitchRonde(traject=traject)
        db.session.add(ronde)
    else:
        lock(ronde)
    if ronde.published_at is not None and (
            (data["jury_weight"], data["public_weight"]) != (ronde.jury_weight, ronde.public_weight)):
        raise ServiceError("weights_locked")  # they would change the published ranking
    criteria = data["criteria"]
    current = [(c.name, c.max_score) for c in ronde.criteria]
    if criteria != current:
        if ronde.id and db.session.scalar(select(func.count()).select_from(JuryScore).join(Criterium)
                                          .where(Criterium.ronde_id == ronde.id)):
            raise ServiceError("criteria_locked")
        ronde.criteria = []
        db.session.flush()
        ronde.criteria = [Criterium(position=i, name=n, max_score=m) for i, (n, m) in enumerate(criteria, 1)]
    for key in ("support_threshold", "jury_weight", "public_weight", "event_on"):
        setattr(ronde, key, data[key])
    ronde.event_place = data.get("event_place") or ""
    db.session.flush()
    # Lock the waiting pitches before the audit log (add_support takes a pitch, then the log: one order,
    # no deadlock), so a support arriving meanwhile is counted once, under one of the two thresholds.
    waiting = _lock_off_agenda(traject)
    audit.record(actor, "pitches.ronde", f"pitches-ronde:{ronde.id}", traject_id=traject.id,
                 threshold=ronde.support_threshold, jury_weight=ronde.jury_weight,
                 public_weight=ronde.public_weight, criteria=criteria)
    # A lowered threshold (or a round set up after support came in) puts every pitch that meets it on the
    # agenda now, as a support would. A raised one takes no pitch off it: being on the agenda is a promise
    # the gemeente made to the initiator and the supporters when the pitch met the threshold then
    # published, and the initiator was told so; only an organiser's decision with a public reason
    # (set_status) changes its course.
    for pitch in waiting:
        count = support_count(pitch)
        if count >= ronde.support_threshold:
            _put_on_agenda(pitch, actor, count, ronde.support_threshold)
    db.session.flush()
    return ronde


def add_jurylid(ronde, actor, email: str, kind: str) -> JuryLid:
    user = find_active_user(email)
    if user is None:
        raise ServiceError("unknown_user")
    if any(j.user_id == user.id for j in ronde.jury):
        raise ServiceError("already_jury")
    lid = JuryLid(ronde=ronde, user=user, kind=JuryKind(kind))
    db.session.add(lid)
    db.session.flush()
    audit.record(actor, "pitches.jury", f"pitches-ronde:{ronde.id}", traject_id=ronde.traject_id,
                 member=f"user:{user.id}", kind=kind)  # the log is never edited: no resident's e-mail in it
    return lid


def jurylid_for(ronde, user) -> JuryLid | None:
    if ronde is None or not user.is_authenticated:
        return None
    return next((j for j in ronde.jury if j.user_id == user.id), None)


def record_scores(pitch, lid, scores: dict[int, int]) -> None:
    """One jury member's marks for one pitch, new or replacing theirs (one per criterion, ever).

    A jury member never scores a pitch they submitted themself: ServiceError("own_pitch").
    """
    # The round first, as publish_ranking takes it: a score sent while the ranking is being published
    # waits and is refused, or goes before and is in it. Then the member: a double click waits, and
    # replaces the marks the first click stored.
    lock(lid.ronde)
    lock(lid)
    if lid.ronde.published_at is not None:
        raise ServiceError("ranking_published")
    if permissions.is_own_pitch(lid.user, pitch):
        raise ServiceError("own_pitch")
    existing = {s.criterium_id: s for s in db.session.scalars(
        select(JuryScore).where(JuryScore.pitch_id == pitch.id, JuryScore.jurylid_id == lid.id))}
    for criterium in lid.ronde.criteria:
        value = scores[criterium.id]
        if not 0 <= value <= criterium.max_score:
            raise ServiceError("score_out_of_range")
        if criterium.id in existing:
            existing[criterium.id].score = value
        else:
            db.session.add(JuryScore(pitch=pitch, jurylid=lid, criterium=criterium, score=value))
    db.session.flush()


def my_pitches(user):
    """Pitches the user started and pitches the user supports, for the terugkoppeling page."""
    own = db.session.scalars(select(Pitch).where(Pitch.initiator_id == user.id).order_by(Pitch.id)).all()
    supported = db.session.scalars(select(Pitch).join(Steun).where(Steun.user_id == user.id)
                                   .order_by(Pitch.id)).all()
    return own, supported


def to_wijkbudget(pitch, actor):
    """Hand a selected pitch to the wijkbudget component as a project with its cost, once."""
    lock(pitch)
    if pitch.status is not PitchStatus.GESELECTEERD:
        raise ServiceError("not_selected")
    if pitch.wijkbudget_project_id is not None:
        raise ServiceError("already_project")
    from . import bridge

    project_id = bridge.create_wijkbudget_project(pitch)
    if project_id is None:
        raise ServiceError("no_wijkbudget")
    pitch.wijkbudget_project_id = project_id
    db.session.flush()
    audit.record(actor, "pitches.to_wijkbudget", f"pitch:{pitch.id}", traject_id=pitch.traject_id,
                 project=project_id, cost_cents=pitch.cost_cents)
    update = PitchUpdate(status=pitch.status, reason=_("De pitch is als project opgenomen in het wijkbudget."))
    pitch.updates.append(update)
    db.session.flush()
    return project_id
