"""The raad's report as PDF (fpdf2), from the same dict as the page.

The built-in Helvetica covers Latin-1 only, so a few typographic characters
are replaced (the euro sign by "EUR"); no font files need to ship.
"""

from fpdf import FPDF
from flask_babel import gettext as _

from .report import long_date

REPLACE = {"€": "EUR", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "≥": ">=",
           "≤": "<=", "•": "-"}


def _t(text) -> str:
    text = str(text if text is not None else "")
    for old, new in REPLACE.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def _pct(share):
    return "-" if share is None else f"{round(100 * share)}%"


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
    para(_("Trede %(step)s van de participatieladder: %(label)s", step=q["ladder_step"], label=q["ladder_label"]))
    para(_("Belofte: %(belofte)s", belofte=q["belofte"]))

    heading(_("2. Wie deden mee"))
    part = report["participation"]
    para(_("%(n)s inwoners beantwoordden %(m)s stellingen.", n=part["statement_voters"], m=part["statements"]))
    for s in part["sessions"]:
        item(_("%(title)s (%(date)s): %(n)s aanwezigen", title=s["title"], date=long_date(s["held_on"]), n=s["present"]))
    rep = part["representation"]
    if rep.get("available"):
        for group in rep.get("groups", []):
            para(f"{group['label']} (n = {group['n']})" + (f": {group['error']}" if group.get("error") else ""))
            for row in group.get("rows", []):
                item(_("%(var)s %(cat)s: deelnemers %(raw)s, gewogen %(w)s, inwoners %(pop)s", var=row["variable"],
                       cat=row["category"], raw=_pct(row["sample_share"]), w=_pct(row["weighted_share"]),
                       pop=_pct(row["population_share"])))
    else:
        para(_("Vergelijking met de bevolking: nog niet beschikbaar."))

    heading(_("3. Wat de meerderheid vindt"))
    for outcome in report["majority"]["outcomes"]:
        para(outcome["title"])
        for label, value in outcome["rows"]:
            item(f"{label} - {value}")
    for s in report["majority"]["sessions"]:
        item(_("%(title)s: %(v)s voor, %(t)s tegen, %(o)s onthouding. %(d)s", title=s["title"], v=s["for"],
               t=s["against"], o=s["abstain"], d=s["decision"]))
    if not report["majority"]["consensus"]:
        para(_("Nog geen analyse van de stellingen."))
    for s in report["majority"]["consensus"]:
        direction = _("eens") if s["direction"] == "agree" else _("oneens")
        if s.get("weighted_share") is None:
            item(_("%(text)s (%(share)s %(dir)s)", text=s["text"], share=_pct(s["group_share"]), dir=direction))
        else:
            item(_("%(text)s (%(share)s %(dir)s; gewogen naar de bevolking %(w)s, 95%%-interval %(low)s tot "
                   "%(high)s)", text=s["text"], share=_pct(s["group_share"]), dir=direction,
                   w=_pct(s["weighted_share"]), low=_pct(s["weighted_interval"][0]),
                   high=_pct(s["weighted_interval"][1])))

    heading(_("4. Minderheidsstandpunten"))
    if not report["minority_views"]:
        para(_("Er zijn (nog) geen minderheidsstandpunten vastgelegd."))
    for view in report["minority_views"]:
        heading(view["title"], 11)
        if view.get("recognised_by") is not None and view["kind"] == "standpunt":
            para(_("Herkend door %(n)s van de %(m)s aanwezigen (%(session)s).", n=view["recognised_by"],
                   m=view["present"], session=view["session"]))
        group = view.get("group")
        if group:
            para(_("Opiniegroep %(name)s: %(n)s deelnemers (%(share)s; gewogen %(w)s).", name=group["name"],
                   n=group["size"], share=_pct(group["share"]), w=_pct(group["weighted_share"])))
            if group["against_consensus"]:
                para(_("Let op: deze groep denkt op één of meer punten anders dan de meerderheid."))
            for r in group["representative"]:
                item(_("%(text)s: %(share)s van de groep %(dir)s; van iedereen %(all)s eens", text=r["text"],
                       share=_pct(r["group_share"]), dir=_("eens") if r["direction"] == "agree" else _("oneens"),
                       all=_pct(r["overall_agree_share"])))
        if view.get("reasons"):
            para(_("In hun eigen woorden: %(r)s", r=view["reasons"]))
        for c in view["conditions"]:
            item(_("Voorwaarde (%(kind)s): %(text)s. Gedaan: %(h)s. %(reason)s", kind=c["kind_label"], text=c["text"],
                   h=c["handled_label"], reason=c["reason"]))

    heading(_("5. Waar alle groepen het over eens zijn"))
    if not report["common_ground"]:
        para(_("Nog geen analyse van de stellingen."))
    for s in report["common_ground"]:
        item(s["text"])
    heading(_("6. Terugkoppeling"))
    if not report["terugkoppeling"]:
        para(_("Er is nog geen terugkoppeling."))
    for t in report["terugkoppeling"]:
        para(f"{t['title']} ({long_date(t['published_on'])}): {t['body']}")
    return bytes(doc.output())
