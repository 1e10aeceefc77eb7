"""Dutch texts for the codes the core and the letters module return (one place)."""

from flask_babel import gettext as _

ROW_ERRORS = {
    "not_utf8": lambda e: _("Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8)."),
    "malformed": lambda e: _("Het bestand is geen geldig CSV-bestand."),
    "empty": lambda e: _("Het bestand is leeg."),
    "no_rows": lambda e: _("Het bestand heeft alleen een kopregel."),
    "missing_column": lambda e: _("De kolom '%(field)s' ontbreekt in de kopregel.", field=e.field),
    "wrong_columns": lambda e: _("Rij %(row)s heeft %(found)s kolommen; de kopregel heeft er een ander aantal.",
                                 row=e.row, found=e.value),
    "missing_value": lambda e: _("Rij %(row)s: '%(field)s' is leeg.", row=e.row, field=e.field),
    "too_long": lambda e: _("Rij %(row)s: '%(field)s' is te lang.", row=e.row, field=e.field),
    "duplicate": lambda e: _("Rij %(row)s: adres_id '%(value)s' staat ook in rij %(first)s.", row=e.row,
                             value=e.value.split("|")[0], first=e.value.split("|")[-1]),
    "unknown_wijk": lambda e: _("Rij %(row)s: wijk '%(value)s' hoort niet bij dit traject.", row=e.row,
                                value=e.value),
}


def row_error(error):
    return ROW_ERRORS[error.code](error)


def bound_text(category, value, bound, limit):
    if bound == "min":
        return _("minstens %(n)s met %(category)s = %(value)s", n=limit, category=category, value=value)
    return _("hoogstens %(n)s met %(category)s = %(value)s", n=limit, category=category, value=value)


def input_error(code, params):
    """A Dutch sentence for an InputError code from the core or a job."""
    p = dict(params or {})
    texts = {
        "sortition.panel_larger_than_pool": lambda: _(
            "Het panel (%(k)s) is groter dan het aantal beschikbare aanmeldingen (%(n)s).",
            k=p.get("value"), n=p.get("pool")),
        "sortition.infeasible_quotas": lambda: _(
            "Geen enkel panel voldoet aan alle quota. Deze quota botsen: %(list)s.",
            list="; ".join(p.get("conflicts", []))),
        "sortition.unknown_value": lambda: _(
            "Een aanmelding heeft bij '%(field)s' het antwoord '%(value)s', dat niet in de quota staat.",
            field=p.get("field"), value=p.get("value")),
        "sortition.no_quotas": lambda: _("Er zijn nog geen vragen met quota."),
        "sortition.legacy_failed": lambda: _("De LEGACY-methode vond geen panel; kies LEXIMIN."),
        "sortition.bad_quota_bounds": lambda: _(
            "Bij %(field)s = %(value)s is het minimum groter dan het maximum.", field=p.get("field"),
            value=p.get("value")),
        "job.interrupted": lambda: _(
            "De berekening is onderbroken: het programma dat haar uitvoerde, is gestopt. Start haar opnieuw."),
        "burgerraad.commitment_mismatch": lambda: _(
            "De loting past niet bij de gepubliceerde vastlegging. Er is niets gepubliceerd."),
        "burgerraad.draw_not_possible": lambda: draw_not_possible(p.get("status")),
    }
    make = texts.get(code)
    return make() if make else _("De berekening kon niet worden uitgevoerd (%(code)s).", code=code)


def draw_not_possible(status):
    """Why a queued draw did not run: the burgerraad no longer waited for it (``status`` it had, or None)."""
    if status is None:
        return _("De loting is niet uitgevoerd: deze burgerraad bestaat niet meer.")
    if status == "geloot":
        return _("De loting is niet uitgevoerd: deze burgerraad is al geloot. Er is niets veranderd.")
    if status == "gewist":
        return _("De loting is niet uitgevoerd: de gegevens van deze burgerraad zijn gewist. "
                 "Er is niets veranderd.")
    return _("De loting is niet uitgevoerd: deze burgerraad wacht niet meer op de loting. Er is niets veranderd.")
