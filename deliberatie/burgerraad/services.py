"""Burgerraad use cases, stage 1 and registration: settings, letters, codes, quotas.

Services load rows, call the core, write and flush; the view commits. The
selection, the draw and reserves are in :mod:`.selection`, the purge in :mod:`.privacy`.
"""

import hashlib
import json
import math
import secrets
from collections import Counter

from sqlalchemy import exists, select

from .. import audit
from ..auth.services import normalise_email
from ..extensions import db
from ..locking import lock
from ..models.types import utcnow
from . import letters
from .models import Aanmelding, Burgerraad, BurgerraadStatus, DeelnemerStatus, Quotum, Uitnodiging, Vraag


class NotAllowedNow(Exception):
    """The step does not fit the burgerraad's status (e.g. letters drawn twice)."""


class AlreadyRegistered(Exception):
    """This invitation code has been used."""


class TermsChanged(Exception):
    """The purpose or the keep-until date changed after the registrant's form was shown."""


class ConsentLocked(Exception):
    """Settings that would break the registrants' consent; ``fields`` names them (``purpose``, ``term_ends_on``)."""

    def __init__(self, fields):
        super().__init__(*fields)
        self.fields = fields


def for_traject(traject):
    return db.session.scalar(select(Burgerraad).where(Burgerraad.traject_id == traject.id))


def parse_vragen(text, wijk_names):
    """``[(name, [values])]`` from lines ``naam: waarde, waarde``; raises ValueError (Dutch-free code)."""
    result, seen = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, rest = line.partition(":")
        name = name.strip().lower()
        values = [v.strip() for v in rest.split(",") if v.strip()] if sep else []
        if name == "wijk" and not values:
            values = list(wijk_names)
        if not name or not values:
            raise ValueError(("no_values", number))
        if name in seen or len(set(values)) != len(values):
            raise ValueError(("duplicate", number))
        if name == "wijk" and set(values) != set(wijk_names):
            raise ValueError(("wijk_values", number))
        if len(name) > 40 or any(len(v) > 60 for v in values):
            raise ValueError(("too_long", number))
        seen.add(name)
        result.append((name, values))
    if not result:
        raise ValueError(("none", 0))
    return result


def vragen_text(burgerraad):
    return "\n".join(f"{v.name}: {', '.join(q.value for q in v.waarden)}" for v in burgerraad.vragen)


def _apply_settings(burgerraad, data):
    burgerraad.panel_size = data["panel_size"]
    burgerraad.codes_per_letter = data["codes_per_letter"]
    burgerraad.one_per_household = bool(data["one_per_household"])
    burgerraad.purpose = data["purpose"].strip()
    burgerraad.term_ends_on = data["term_ends_on"]
    if burgerraad.status is BurgerraadStatus.OPZET:
        parsed = parse_vragen(data["vragen"], [w.name for w in burgerraad.traject.wijken])
        if [(v.name, [q.value for q in v.waarden]) for v in burgerraad.vragen] != parsed:
            burgerraad.vragen = []
            db.session.flush()
            burgerraad.vragen = [Vraag(position=i, name=name, waarden=[
                Quotum(position=j, value=value) for j, value in enumerate(values)])
                for i, (name, values) in enumerate(parsed)]


def create_burgerraad(traject, data, *, actor):
    if for_traject(traject) is not None:
        raise NotAllowedNow()
    burgerraad = Burgerraad(traject=traject, status=BurgerraadStatus.OPZET)
    db.session.add(burgerraad)
    _apply_settings(burgerraad, data)
    db.session.flush()
    audit.record(actor, "burgerraad.created", f"burgerraad:{burgerraad.id}", traject_id=traject.id,
                 panel_size=burgerraad.panel_size)
    return burgerraad


def has_registrations(burgerraad):
    return db.session.scalar(select(exists().where(Aanmelding.burgerraad_id == burgerraad.id)))


def consent_terms(burgerraad) -> str:
    """A fingerprint of what a registrant consents to (the purpose, the keep-until date).

    The registration form carries the one it showed; a registration whose form showed
    other terms than the burgerraad has now is refused (:class:`TermsChanged`).
    """
    text = f"{burgerraad.purpose}\n{burgerraad.term_ends_on.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def consent_broken_by(burgerraad, data):
    """Registrants consented to this purpose and to keeping their data until this date: once anyone has
    registered, the purpose stays and the date may only come earlier. The fields ``data`` would break."""
    if not has_registrations(burgerraad):
        return ()
    broken = []
    if data["purpose"].strip() != burgerraad.purpose:
        broken.append("purpose")
    if data["term_ends_on"] > burgerraad.term_ends_on:
        broken.append("term_ends_on")
    return tuple(broken)


def update_settings(burgerraad, data, *, actor):
    """Save the settings; raises NotAllowedNow after registration, ConsentLocked against the consent.

    The burgerraad's row is locked first, as a registration locks it: a registration that
    arrives at the same moment is either seen by the consent check or comes after the save.
    """
    lock(burgerraad)
    if burgerraad.status not in (BurgerraadStatus.OPZET, BurgerraadStatus.AANMELDEN):
        raise NotAllowedNow()
    broken = consent_broken_by(burgerraad, data)
    if broken:
        raise ConsentLocked(broken)
    _apply_settings(burgerraad, data)
    db.session.flush()
    audit.record(actor, "burgerraad.settings", f"burgerraad:{burgerraad.id}",
                 traject_id=burgerraad.traject_id, panel_size=burgerraad.panel_size)
    return burgerraad


# ----------------------------------------------------------------- stage 1: letters


def wijken_changed(burgerraad):
    """The question 'wijk' lists other wijken than the traject now has (the traject was edited).

    Letters to a wijk the question lacks would bring registrations no quota
    can hold, and the questions are fixed once the letters are out.
    """
    vraag = next((v for v in burgerraad.vragen if v.from_address), None)
    return vraag is not None and {q.value for q in vraag.waarden} != {w.name for w in burgerraad.traject.wijken}


def wijk_population(burgerraad):
    """``{wijk_id: inwoners}`` for the traject's wijken."""
    return {w.id: w.inwoners for w in burgerraad.traject.wijken}


def wijk_lookup(burgerraad):
    lookup = {}
    for wijk in burgerraad.traject.wijken:
        lookup[wijk.name.lower()] = wijk.id
        lookup[wijk.cbs_code.lower()] = wijk.id
    return lookup


def plan_letters(burgerraad, addresses, total, response_rates=None):
    """Letters per wijk: proportional to population, or divided by expected response (percent)."""
    population = wijk_population(burgerraad)
    weights = {wid: population[wid] / (response_rates[wid] if response_rates else 1.0)
               for wid in population}
    capacity = Counter(wid for _, wid in addresses)
    return letters.allocate(total, weights, capacity)


def draw_letters(burgerraad, data, *, total, response_rates, seed, actor):
    """Read the extract, draw the addresses and store only id, wijk and codes.

    Returns ``(drawn, errors)``: on any row error nothing is stored.
    """
    if burgerraad.status is not BurgerraadStatus.OPZET:
        raise NotAllowedNow()
    addresses, errors = letters.read_addresses(data, wijk_lookup(burgerraad))
    if errors:
        return [], errors
    allocation = plan_letters(burgerraad, addresses, total, response_rates)
    drawn = letters.draw_addresses(addresses, allocation, seed)
    used = set(db.session.scalars(select(Uitnodiging.code)))
    for address_id, wijk_id in drawn:
        for slot in range(1, burgerraad.codes_per_letter + 1):
            code = letters.new_code()
            while code in used:
                code = letters.new_code()
            used.add(code)
            db.session.add(Uitnodiging(burgerraad=burgerraad, address_id=address_id, slot=slot,
                                       wijk_id=wijk_id, code=code))
    burgerraad.letters_seed = seed
    burgerraad.letters_drawn_at = utcnow()
    burgerraad.status = BurgerraadStatus.AANMELDEN
    db.session.flush()
    audit.record(actor, "burgerraad.letters_drawn", f"burgerraad:{burgerraad.id}",
                 traject_id=burgerraad.traject_id, seed=seed, letters=len(drawn),
                 addresses=len(addresses), file_sha256=hashlib.sha256(data).hexdigest(),
                 allocation={str(k): v for k, v in sorted(allocation.items())},
                 response_rates={str(k): v for k, v in sorted((response_rates or {}).items())})
    return drawn, []


def letters_by_address(burgerraad):
    """``[(address_id, wijk name, [codes])]`` in draw order, for the PDF."""
    grouped = {}
    for item in burgerraad.uitnodigingen:
        grouped.setdefault((item.address_id, item.wijk.name), []).append((item.slot, item.code))
    return [(a, w, [c for _, c in sorted(codes)]) for (a, w), codes in grouped.items()]


# ----------------------------------------------------------------- registration


def find_invitation(code):
    """The open invitation for a typed code, or ``None``."""
    normal = letters.normalise_code(code)
    if not normal:
        return None
    item = db.session.scalar(select(Uitnodiging).where(Uitnodiging.code == normal))
    if item is None or item.burgerraad.status is not BurgerraadStatus.AANMELDEN:
        return None
    return item


def _anon_id(burgerraad):
    taken = set(db.session.scalars(select(Aanmelding.anon_id).where(
        Aanmelding.burgerraad_id == burgerraad.id)))
    while True:
        anon = "P-" + "".join(secrets.choice(letters.ALPHABET) for _ in range(6))
        if anon not in taken:
            return anon


def register(invitation, data, *, now=None, shown_terms=None):
    """Store one registration for an invitation code (the database refuses a second).

    The burgerraad's row is locked and read again first, as the settings and the closing of
    registration lock it; raises NotAllowedNow when registration closed meanwhile, and
    TermsChanged when ``shown_terms`` (the form's :func:`consent_terms`) are no longer the
    burgerraad's: the registrant consented to a purpose or date that has since changed.
    """
    burgerraad = lock(invitation.burgerraad)
    if burgerraad.status is not BurgerraadStatus.AANMELDEN:
        raise NotAllowedNow()
    if shown_terms is not None and shown_terms != consent_terms(burgerraad):
        raise TermsChanged()
    db.session.expire(invitation, ["aanmelding"])  # a registration with this code committed meanwhile
    if invitation.aanmelding is not None:
        raise AlreadyRegistered()
    answers = {}
    for vraag in burgerraad.vragen:
        answers[vraag.name] = invitation.wijk.name if vraag.from_address else data[f"vraag_{vraag.id}"]
    item = Aanmelding(burgerraad=burgerraad, uitnodiging=invitation, anon_id=_anon_id(burgerraad),
                      answers_json=json.dumps(answers, sort_keys=True, ensure_ascii=False),
                      name=data["name"].strip(), email=normalise_email(data["email"]),
                      phone=(data.get("phone") or "").strip(), available=bool(data["available"]),
                      consent_at=now or utcnow(), status=DeelnemerStatus.POOL)
    db.session.add(item)
    db.session.flush()
    return item


# ----------------------------------------------------------------- quotas


def population_shares(burgerraad):
    """``{question: {value: share}}`` from the foundation's population figures (``None``: no data)."""
    wijken = burgerraad.traject.wijken
    shares = {}
    for vraag in burgerraad.vragen:
        values = [q.value for q in vraag.waarden]
        if vraag.from_address:
            counts = {w.name: w.inwoners for w in wijken}
        else:
            counts = Counter()
            for wijk in wijken:
                for row in wijk.populatie:
                    if row.variable == vraag.name and row.category in values:
                        counts[row.category] += row.count
        total = sum(counts.get(v, 0) for v in values)
        shares[vraag.name] = {v: (counts.get(v, 0) / total if total else None) for v in values}
    return shares


def pool_counts(burgerraad):
    """``{question: Counter(value -> registrations)}`` of the current pool."""
    counts = {v.name: Counter() for v in burgerraad.vragen}
    for item in burgerraad.aanmeldingen:
        for name, value in item.answers.items():
            if name in counts:
                counts[name][value] += 1
    return counts


def derive_quotas(burgerraad, *, panel_size, tolerance, actor):
    """Bounds proportional to the population: ``expected * (1 ± tolerance)``, rounded outwards.

    Returns the names of the questions without population figures: their bounds are left open
    (0 to the panel size).
    """
    burgerraad.panel_size = panel_size
    shares = population_shares(burgerraad)
    unknown = []
    for vraag in burgerraad.vragen:
        for quotum in vraag.waarden:
            share = shares[vraag.name][quotum.value]
            if share is None:
                quotum.min_count, quotum.max_count = 0, panel_size
                if vraag.name not in unknown:
                    unknown.append(vraag.name)
                continue
            expected = panel_size * share
            low = math.floor(expected * (1 - tolerance) + 1e-9)
            high = min(panel_size, math.ceil(expected * (1 + tolerance) - 1e-9))
            quotum.min_count, quotum.max_count = max(0, low), max(high, low)
    db.session.flush()
    audit.record(actor, "burgerraad.quotas_derived", f"burgerraad:{burgerraad.id}",
                 traject_id=burgerraad.traject_id, panel_size=panel_size, tolerance=tolerance)
    return unknown


def save_quotas(burgerraad, *, panel_size, bounds, actor):
    """Store the panel size and ``bounds`` ``{quotum_id: (min, max)}``."""
    burgerraad.panel_size = panel_size
    for vraag in burgerraad.vragen:
        for quotum in vraag.waarden:
            if quotum.id in bounds:
                quotum.min_count, quotum.max_count = bounds[quotum.id]
    db.session.flush()
    audit.record(actor, "burgerraad.quotas_saved", f"burgerraad:{burgerraad.id}",
                 traject_id=burgerraad.traject_id, panel_size=panel_size,
                 quotas={f"{v.name}={q.value}": [q.min_count, q.max_count]
                         for v in burgerraad.vragen for q in v.waarden})
