"""Dutch words for the statistics: variable and category names, the summary
sentence, and one message per :class:`~deliberatie.core.errors.InputError` code.

The core raises codes with parameters and no prose; this module is the one
place where they become Dutch (B1) sentences. Everything goes through
Flask-Babel, so the English catalogue can translate it.
"""

import math

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.weighting import parse_age_range

VARIABLES = {
    "geslacht": _l("Geslacht"),
    "leeftijd": _l("Leeftijd"),
    "opleiding": _l("Opleiding"),
    "herkomst": _l("Herkomst"),
    "migratieachtergrond": _l("Herkomst"),
    "wijk": _l("Wijk"),
}

_GROUPS = {
    ("geslacht", "man"): _l("mannen"),
    ("geslacht", "vrouw"): _l("vrouwen"),
    ("geslacht", "anders"): _l("inwoners die zich geen man of vrouw noemen"),
    ("opleiding", "laag"): _l("inwoners met een lage opleiding"),
    ("opleiding", "middelbaar"): _l("inwoners met een middelbare opleiding"),
    ("opleiding", "hoog"): _l("inwoners met een hoge opleiding"),
}

_HERKOMST = {
    "nederland": _l("inwoners met een Nederlandse herkomst"),
    "europa": _l("inwoners met een herkomst elders in Europa"),
    "buiten europa": _l("inwoners met een herkomst buiten Europa"),
    "buiten-europa": _l("inwoners met een herkomst buiten Europa"),
}


def variable_label(variable) -> str:
    label = VARIABLES.get(variable)
    return str(label) if label is not None else str(variable).replace("_", " ").capitalize()


def pct(share, digits=0) -> str:
    """A share as a Dutch percentage ("5%", "12,5%"); a dash when unknown."""
    if share is None or share != share:
        return "–"
    pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
    return format_percent(share, pattern)


def number(value, digits=2) -> str:
    if value is None or value != value:
        return "–"
    return format_decimal(value, "#,##0." + "#" * digits if digits else "#,##0")


def people(variable, category) -> str:
    """Who a category is, as a plural noun phrase: "jongeren van 15 tot 25 jaar"."""
    key = (variable, str(category).strip().lower())
    if key in _GROUPS:
        return str(_GROUPS[key])
    if variable in ("herkomst", "migratieachtergrond") and key[1] in _HERKOMST:
        return str(_HERKOMST[key[1]])
    if variable == "leeftijd":
        band = parse_age_range(str(category))
        if band is not None:
            low, high = band
            if high is None:
                return _("inwoners van %(low)s jaar en ouder", low=low)
            noun = _("jongeren") if high < 25 else (_("ouderen") if low >= 65 else _("inwoners"))
            return _("%(noun)s van %(low)s tot %(end)s jaar", noun=noun, low=low, end=high + 1)
    if variable == "wijk":
        return _("inwoners van %(wijk)s", wijk=category)
    return _("inwoners met %(variable)s ‘%(category)s’", variable=variable_label(variable).lower(),
             category=category)


def summary_sentence(item) -> str:
    """One flagged category (from ``RepresentationResult.summary()``) as a Dutch sentence."""
    who = people(item["variable"], item["category"])
    if item["direction"] == "under":
        text = _("%(who)s zijn ondervertegenwoordigd: %(sample)s van de deelnemers, "
                 "%(population)s van de inwoners", who=who, sample=pct(item["sample_share"]),
                 population=pct(item["population_share"]))
    else:
        text = _("%(who)s zijn oververtegenwoordigd: %(sample)s van de deelnemers, "
                 "%(population)s van de inwoners", who=who, sample=pct(item["sample_share"]),
                 population=pct(item["population_share"]))
    return text[:1].upper() + text[1:] + "."


def _p(params, key, default="?"):
    value = params.get(key)
    return default if value is None else value


def describe(error) -> str:
    """A Dutch message for an :class:`InputError` (or a ``(code, params)`` pair)."""
    code, params = (error.code, error.params) if hasattr(error, "code") else error
    variable = params.get("variable")
    values = dict(params)
    if variable is not None:
        values["variable"] = variable_label(variable).lower()
    if isinstance(params.get("cap"), (int, float)):
        values["cap"] = number(params["cap"])
    if isinstance(params.get("lowest_feasible_cap"), (int, float)):
        # rounded up, so that the cap the message suggests does work
        values["lowest_feasible_cap"] = number(math.ceil(round(params["lowest_feasible_cap"] * 100, 6)) / 100)
    values.setdefault("category", "?")
    values.setdefault("wijk", _("de gemeente") if params.get("wijk") is None else params["wijk"])
    template = _MESSAGES.get(code)
    if template is None:
        return _("De berekening kon niet worden gedaan (code %(code)s).", code=code)
    text = str(template) % _Defaults(values)
    line = params.get("line")
    if line and not code.startswith("weights."):
        text = _("Regel %(line)s: %(message)s", line=line, message=text)
    return text


class _Defaults(dict):
    def __missing__(self, key):
        return "?"


# One message per code of deliberatie.core.weighting (and this package).
_MESSAGES = {
    # raking and representativeness
    "weights.no_respondents": _l(
        "Niemand in deze groep valt bij %(variable)s in de categorie ‘%(category)s’. Zonder "
        "deelnemers kan weging die groep niet vertegenwoordigen. Laat %(variable)s weg uit de "
        "weging of voeg categorieën samen."),
    "weights.missing_target": _l(
        "%(respondents)s deelnemers hebben bij %(variable)s ‘%(category)s’ ingevuld, maar daarvoor "
        "zijn geen bevolkingscijfers. Laat %(variable)s weg uit de weging of vul de "
        "bevolkingscijfers aan."),
    "weights.zero_target": _l(
        "Bij %(variable)s staan voor ‘%(category)s’ 0 inwoners in de bevolkingscijfers, maar "
        "%(respondents)s deelnemers vallen in die categorie. Controleer de bevolkingscijfers."),
    "weights.totals_disagree": _l(
        "De bevolkingscijfers van %(variable)s tellen op tot een ander totaal dan die van de andere "
        "kenmerken, dus ze beschrijven niet dezelfde groep inwoners."),
    "weights.cap_infeasible": _l(
        "Met een grens van %(cap)s keer het gemiddelde gewicht kan de weging niet kloppen. De "
        "laagste grens die wel kan is %(lowest_feasible_cap)s. Kies een grens van minstens "
        "%(lowest_feasible_cap)s of laat de grens leeg."),
    "weights.bad_cap": _l("De grens voor gewichten moet een getal groter dan 0 zijn."),
    "weights.missing_value": _l("Bij %(variable)s ontbreekt een antwoord; weging kan alleen met "
                                "deelnemers die alle gekozen vragen beantwoordden."),
    "weights.unknown_variable": _l("Voor %(variable)s zijn geen antwoorden of geen bevolkingscijfers."),
    "weights.no_margins": _l("Kies minstens één kenmerk om op te wegen."),
    "weights.empty_sample": _l("Er zijn geen deelnemers die alle gekozen vragen beantwoordden."),
    "weights.no_targets": _l("Voor %(variable)s zijn geen bevolkingscijfers."),
    "weights.bad_target": _l("Bij %(variable)s is het bevolkingscijfer voor ‘%(category)s’ geen "
                             "geldig getal."),
    "weights.zero_total": _l("De bevolkingscijfers van %(variable)s tellen op tot 0."),
    "weights.column_length": _l("Het aantal antwoorden bij %(variable)s klopt niet met het aantal "
                                "deelnemers."),
    "weights.bad_column": _l("De antwoorden bij %(variable)s zijn geen lijst."),
    "weights.no_answers": _l("Niemand in deze groep heeft deze vraag beantwoord."),
    "weights.answers_length": _l("Er zijn %(length)s antwoorden voor %(expected)s deelnemers."),
    "weights.bootstrap_failed": _l("De bootstrap lukte niet: te veel herhalingen misten een groep. "
                                   "Gebruik de standaardmethode."),
    "weights.bad_method": _l("Onbekende methode voor de betrouwbaarheidsmarges."),
    "weights.bad_confidence": _l("Het betrouwbaarheidsniveau moet tussen 0 en 1 liggen."),
    "weights.bad_replicates": _l("Het aantal herhalingen moet een heel getal van minstens 2 zijn."),
    "weights.bad_tolerance": _l("De nauwkeurigheid moet groter dan 0 zijn."),
    "weights.bad_max_iterations": _l("Het aantal rondes moet een heel getal van minstens 1 zijn."),
    "weights.bad_ratio_thresholds": _l("De grenzen voor onder- en oververtegenwoordiging kloppen niet."),
    "weights.bad_alpha": _l("Het significantieniveau moet tussen 0 en 1 liggen."),
    "weights.bad_cell": _l("Een cel van de poststratificatie klopt niet."),
    "weights.poststratify_variables": _l("Kies één kenmerk voor de poststratificatie."),
    # the margins file of the console (variable,category,target)
    "weights.empty_margins": _l("Het bestand met bevolkingscijfers is leeg."),
    "weights.missing_column": _l("De kolom ‘%(field)s’ ontbreekt in de eerste regel."),
    "weights.short_row": _l("Regel %(line)s heeft te weinig kolommen."),
    "weights.bad_number": _l("Regel %(line)s: ‘%(value)s’ is geen geldig getal."),
    "weights.duplicate_target": _l("%(variable)s ‘%(category)s’ staat er twee keer in."),
    # population figures
    "population.empty": _l("Het bestand is leeg."),
    "population.missing_column": _l("De kolom ‘%(field)s’ ontbreekt in de eerste regel. Nodig zijn "
                                    "wijk, variable, category, count en eventueel base."),
    "population.missing_value": _l("de kolom ‘%(field)s’ is leeg."),
    "population.bad_number": _l("‘%(value)s’ is geen geldig aantal (gebruik een punt als "
                                "decimaalteken, geen negatieve getallen)."),
    "population.bad_base": _l("‘%(value)s’ is geen leeftijdsgroep (bijvoorbeeld 15+, 15-74 of "
                              "alle inwoners)."),
    "population.duplicate": _l("%(variable)s ‘%(category)s’ staat er twee keer in (ook op regel "
                               "%(first_line)s)."),
    "population.mixed_base": _l("de basis ‘%(base)s’ verschilt van die op regel %(first_line)s; "
                                "alle regels van één kenmerk in één wijk hebben dezelfde basis."),
    "population.bad_age_band": _l("leeftijdsgroep ‘%(category)s’ is geen leeftijd (bijvoorbeeld "
                                  "15-24 of 65+)."),
    "population.age_band_straddles_base": _l(
        "leeftijdsgroep ‘%(category)s’ valt maar voor een deel binnen %(base)s. Gebruik "
        "leeftijdsgroepen die bij de basis passen."),
    "population.no_age_bands": _l("Geen enkele leeftijdsgroep valt binnen %(base)s."),
    "population.base_mismatch": _l("%(variable)s telt inwoners van %(base)s, de andere kenmerken "
                                   "inwoners van %(expected)s."),
    "population.base_required": _l("Er zijn geen leeftijdsgroepen en de kenmerken van %(wijk)s "
                                   "hebben verschillende bases; kies een basis."),
    "population.no_base_total": _l("Geen enkel kenmerk van %(wijk)s telt inwoners van %(base)s, "
                                   "dus het totaal is onbekend."),
    "population.no_rows": _l("Voor %(wijk)s zijn geen bevolkingscijfers."),
    "population.unknown_variable": _l("Voor %(variable)s zijn geen bevolkingscijfers in %(wijk)s."),
    "population.zero_total": _l("De bevolkingscijfers van %(variable)s in %(wijk)s tellen op tot 0."),
    # this package
    "statistiek.unknown_wijk": _l("de wijk ‘%(value)s’ bestaat niet in deze gemeente."),
    "statistiek.not_whole": _l("‘%(value)s’ is geen heel aantal inwoners. Aandelen (die optellen "
                               "tot 1) kunnen hier niet; gebruik aantallen."),
    "statistiek.thousands_separator": _l("in ‘%(value)s’ staat een punt tussen de duizendtallen. Schrijf "
                                         "aantallen zonder punt: %(plain)s."),
    "statistiek.extra_columns": _l("deze regel heeft %(found)s kolommen en de kopregel %(expected)s. Staat er "
                                   "een komma in een getal of naam? Laat die weg of zet de waarde tussen "
                                   "aanhalingstekens."),
    "statistiek.too_large": _l("%(value)s inwoners is meer dan een gemeente kan hebben (hoogstens "
                               "%(max)s)."),
    "statistiek.too_long": _l("de kolom ‘%(field)s’ is langer dan %(max)s tekens."),
    "statistiek.wijk_variable": _l("het kenmerk ‘wijk’ hoort niet bij één wijk; de verdeling over "
                                   "de wijken volgt uit de cijfers per wijk."),
    "statistiek.not_utf8": _l("Het bestand is geen UTF-8-tekst. Sla het op als ‘CSV UTF-8’."),
    "statistiek.semicolons": _l("Het bestand gebruikt puntkomma’s. Gebruik komma’s als "
                                "scheidingsteken en een punt als decimaalteken."),
    "statistiek.no_wijk_rows": _l("Het bestand heeft geen regels voor een wijk. Vul de kolom wijk "
                                  "in; de gemeente is de som van de wijken."),
    "statistiek.unknown_group": _l("Deze groep deelnemers bestaat niet (meer)."),
    "statistiek.no_population": _l("Voor de wijken van dit traject zijn nog geen bevolkingscijfers."),
    "statistiek.no_variables": _l("Deze groep beantwoordde geen vragen waarvoor bevolkingscijfers "
                                  "zijn."),
}
