"""The raad's report as PDF (fpdf2), from the same dict as the page.

The built-in Helvetica covers Latin-1 only, so a few typographic characters
are replaced (the euro sign by "EUR"); no font files need to ship.
"""

from fpdf import FPDF
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .report import long_date

UNWEIGHTED = _l("Gewogen percentages ontbreken: daarvoor zijn bevolkingscijfers nodig en genoeg deelnemers die hun "
                "leeftijd of geslacht opgaven.")
REPLACE = {"€": "EUR", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "≥": ">=",
           "≤": "<=", "•": "-"}


def _t(text) -> str:
    text = str(text if text is not None else "")
    for old, new in REPLACE.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def _pct(share):
    return "-" if share is None else f"{round(100 * share)}%"


def _sentence(text) -> str:
    """Text that is followed by more in the same line, without a doubled full stop."""
    return str(text or "").rstrip().rstrip(".")


def _dir(direction):
    return _("eens") if direction == "agree" else _("oneens")


def _contested(row) -> str:
    return "".join(" " + _("(opiniegroep %(name)s denkt er anders over)", name=g["name"])
                   for g in row.get("contested_by", ()))


class _Doc(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 8, _t(_("Pagina %(n)s", n=self.page_no())), align="C")


def render(report) -> bytes:
    doc = _Doc(format="A4")
    doc.set_compression(False)  # a few KB more, but the text stays searchable (and testable)
    doc.set_auto_page_break(True, margin=15)
    doc.set_title(_t(report["traject"]["title"]))
    doc.add_page()

    def heading(text, size=13):
        doc.ln(2)
        doc.set_font("helvetica", "B", size)
        doc.multi_cell(0, 7, _t(text), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("helvetica", size=10)

    def para(text):
        if text:
            doc.multi_cell(0, 5, _t(text), new_x="LMARGIN", new_y="NEXT")

    def item(text):
        doc.multi_cell(0, 5, _t("- " + text), new_x="LMARGIN", new_y="NEXT")

    heading(_("Verslag voor de raad: %(title)s", title=report["traject"]["title"]), 16)
    q = report["question"]
    heading(_("1. De vraag"))
    para(q["opgave"])
    para(_("Trede %(step)s van 5 op de participatieladder: %(label)s", step=q["ladder_step"], label=q["ladder_label"]))
    para(_("Belofte aan de deelnemers:") + " " + (q["belofte"] or ""))
    if q.get("kaders"):
        para(_("Kaders:") + " " + q["kaders"])

    heading(_("2. Wie deden mee"))
    part = report["participation"]
    voters = _("%(n)s deelnemers beantwoordden stellingen (%(m)s stellingen in totaal).", n=part["statement_voters"],
               m=part["statements"])
    if part["statement_voters"]:
        voters += " " + _("%(k)s van hen gaven hun leeftijd of geslacht op; alleen zij tellen mee in de vergelijking "
                          "met de bevolking en in de weging.", k=part.get("statement_voters_with_profile", 0))
    para(voters)
    for s in part["sessions"]:
        item(f"{s['title']} ({long_date(s['held_on'])}): "
             + (_("%(n)s aanwezigen", n=s["present"]) if s["present"] else _("aantal aanwezigen niet vastgelegd")))
    rep = part["representation"]
    if rep.get("available"):
        for group in rep.get("groups", []):
            para(f"{group['label']} (n = {group['n']})" + (f": {group['error']}" if group.get("error") else ""))
            for sentence in group.get("sentences") or ():
                para(sentence)
            for row in group.get("rows", []):
                item(_("%(var)s %(cat)s: deelnemers %(raw)s, gewogen %(w)s, inwoners %(pop)s", var=row["variable"],
                       cat=row["category"], raw=_pct(row["sample_share"]), w=_pct(row["weighted_share"]),
                       pop=_pct(row["population_share"])))
            if group.get("weighted_on"):
                para(" ".join((
                    _("Gewogen naar: %(variables)s.", variables=", ".join(group["weighted_on"])),
                    _("Na weging lijken de deelnemers op deze kenmerken op de inwoners; met dezelfde weging zijn de "
                      "gewogen percentages bij de stellingen en de opiniegroepen berekend."),
                    _("Weging corrigeert alleen voor deze kenmerken. Verschillen in andere dingen, zoals "
                      "betrokkenheid bij het onderwerp, blijven bestaan."))))
    else:
        para(_("Vergelijking met de bevolking: nog niet beschikbaar."))

    heading(_("3. Wat de meerderheid vindt"))
    for outcome in report["majority"]["outcomes"]:
        para(outcome["title"])
        for label, value in outcome["rows"]:
            item(f"{label} - {value}")
    for s in report["majority"]["sessions"]:
        vote = (_("Stemming: %(v)s voor, %(t)s tegen, %(o)s onthouding.", v=s["for"], t=s["against"], o=s["abstain"])
                if s["for"] or s["against"] or s["abstain"] else _("Er is geen stemming vastgelegd."))
        item(" ".join(x for x in (f"{s['title']}: {s['proposal'] or ''}".strip(), vote, s["decision"] or "") if x))
        if s.get("perspectives"):
            para(_("Perspectieven die naar voren kwamen") + ": " + s["perspectives"])
    groups, big = report["groups"], report["majority"]["largest_group"]
    if report.get("analysis"):
        para(_("%(c)s van de %(n)s deelnemers aan de stellingen stemden op genoeg stellingen (minstens %(k)s) om in "
               "een opiniegroep te worden ingedeeld.", c=report["analysis"]["clustered"],
               n=report["analysis"]["participants"], k=report["analysis"]["parameters"].get("min_votes")))
    if big and len(groups) == 1:
        para(_("Alle deelnemers in de analyse vormen één opiniegroep (%(n)s deelnemers): de stellingen laten geen "
               "aparte minderheid zien.", n=big["size"]))
    elif big:
        para(_("De grootste opiniegroep is groep %(name)s: %(n)s deelnemers (%(share)s van wie in een opiniegroep is "
               "ingedeeld).", name=big["name"], n=big["size"], share=_pct(big["share"])))
    if not report["majority"]["consensus"]:
        para(_("Nog geen analyse van de stellingen."))
    else:
        para(_("Percentages van wie eens of oneens antwoordde; wie de stelling oversloeg, telt hier niet mee.") + " "
             + _("Denkt een opiniegroep er anders over, dan staat dat erbij.")
             + ("" if any(c.get("weighted_share") is not None for c in report["majority"]["consensus"])
                else " " + str(UNWEIGHTED)))
    for s in report["majority"]["consensus"]:
        direction = _dir(s["direction"])
        if s.get("weighted_share") is None:
            line = _("%(text)s (%(share)s %(dir)s)", text=_sentence(s["text"]), share=_pct(s["group_share"]),
                     dir=direction)
        else:
            line = _("%(text)s (%(share)s %(dir)s; gewogen naar de bevolking %(w)s, 95%%-interval %(low)s tot "
                     "%(high)s)", text=_sentence(s["text"]), share=_pct(s["group_share"]), dir=direction,
                     w=_pct(s["weighted_share"]), low=_pct(s["weighted_interval"][0]),
                     high=_pct(s["weighted_interval"][1]))
        item(line + _contested(s))

    heading(_("4. Minderheidsstandpunten"))
    if not report["minority_views"]:
        para(_("Er zijn (nog) geen minderheidsstandpunten vastgelegd."))
    else:
        para(_("Elke minderheid staat hier apart, met haar eigen stellingen en redenen: zij wordt niet "
               "weggemiddeld. Staat er \"anders dan de meerderheid\", dan denkt de groep over die stelling anders "
               "dan de meeste deelnemers."))
        if groups:
            para(_("In de tabellen per groep tellen de percentages iedereen die de stelling beantwoordde, ook wie "
                   "oversloeg; bij de groep en bij alle deelnemers op dezelfde manier.")
                 + ("" if any(g.get("weighted_share") is not None for g in groups) else " " + str(UNWEIGHTED)))
    for view in report["minority_views"]:
        heading(view["title"], 11)
        if view["kind"] == "standpunt":
            if view["present"]:
                para(_("Herkend door %(n)s van de %(m)s aanwezigen bij %(session)s.", n=view["recognised_by"],
                       m=view["present"], session=view["session"]))
            else:
                para(_("Herkend door %(n)s aanwezigen bij %(session)s.", n=view["recognised_by"],
                       session=view["session"]))
        else:
            para(_("Deze groep komt uit de stellingen naar voren. In een bijeenkomst is (nog) niet gevraagd naar "
                   "haar redenen en naar wat ervoor nodig is om mee te gaan."))
        group = view.get("group")
        if group:
            size = _("Opiniegroep %(name)s: %(n)s deelnemers, %(share)s van wie in een opiniegroep is ingedeeld",
                     name=group["name"], n=group["size"], share=_pct(group["share"]))
            if group.get("weighted_share") is not None:
                size += "; " + _("gewogen naar de bevolking %(w)s", w=_pct(group["weighted_share"]))
                if group.get("weighted_interval"):
                    low, high = group["weighted_interval"]
                    size += " (" + _("95%%-interval %(low)s tot %(high)s", low=_pct(low), high=_pct(high)) + ")"
            para(size + ".")
            if group["against_consensus"]:
                para(_("Deze groep denkt op één of meer punten anders dan de meerderheid."))
            for r in group["representative"]:
                line = _("%(text)s: deze groep %(share)s %(dir)s, alle deelnemers %(all)s %(dir)s",
                         text=_sentence(r["text"]), share=_pct(r["group_share"]), dir=_dir(r["direction"]),
                         all=_pct(r.get("overall_share")))
                if r["against_overall"]:
                    line += " " + _("(anders dan de meerderheid)")
                item(line)
        if view.get("statements"):
            para(_("Stellingen:") + " " + "; ".join(s["text"] for s in view["statements"]))
        if view.get("reasons"):
            para(_("In hun eigen woorden: %(r)s", r=view["reasons"]))
        for c in view["conditions"]:
            item(_("Voorwaarde (%(kind)s): %(text)s. Gedaan: %(h)s. %(reason)s", kind=c["kind_label"],
                   text=_sentence(c["text"]), h=c["handled_label"], reason=c["reason"]))
        if view["kind"] == "standpunt" and not view["conditions"]:
            para(_("Er is (nog) niet vastgelegd wat ervoor nodig is om mee te gaan."))

    heading(_("5. Waar alle groepen het over eens zijn"))
    if not report["common_ground"]:
        para(_("Nog geen analyse van de stellingen."))
    else:
        para(_("De stellingen met de meeste instemming in alle opiniegroepen tegelijk, met per groep het deel dat "
               "eens is (wie oversloeg, telt mee)."))
    for s in report["common_ground"]:
        line = _sentence(s["text"])
        if s.get("groups"):
            line += ": " + ", ".join(_("groep %(name)s %(share)s eens", name=g["name"], share=_pct(g["agree_share"]))
                                     for g in s["groups"])
            if not s["every_group_agrees"]:
                line += " " + _("(niet in elke groep een meerderheid)")
        item(line)
    heading(_("6. Terugkoppeling aan de deelnemers"))
    if not report["terugkoppeling"]:
        para(_("Er is nog geen terugkoppeling."))
    for t in report["terugkoppeling"]:
        para(f"{t['title']} ({long_date(t['published_on'])}): {t['body']}")
    if report.get("analysis"):
        para(_("Opiniegroepen berekend met %(alg)s (analyse %(id)s).", alg=report["analysis"]["algorithm"],
               id=report["analysis"]["id"]))
    return bytes(doc.output())
