"""Organiser routes: settings, statements and moderation, stemcodes, runs, sessions."""

import json

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from ..core.errors import InputError
from ..extensions import db
from ..permissions import require
from . import analyses, blueprint, services
from .forms import (AFHANDELING_LABELS, SOORT_LABELS, VOORWAARDE_LABELS, AfhandelingForm, AnalyseForm,
                    ModeratieForm, RondeForm, SessieForm, StandpuntForm, StellingForm, StemcodesMakenForm,
                    VoorwaardeForm)
from .models import Analyse, Sessie, Standpunt, Stelling, StellingStatus, Voorwaarde
from .permissions import can_manage, can_view_map
from .views import get_in, get_traject


def _managed(traject_id):
    traject = get_traject(traject_id)
    require(can_manage(current_user, traject))
    return traject


def _beheer_page(traject, ronde, **forms):
    ronde_form = forms.get("ronde_form") or RondeForm(obj=ronde, formdata=None)
    if "ronde_form" not in forms:
        ronde_form.deelname.data = ronde.deelname.value
    return render_template(
        "minderheidsstandpunten/beheer.html", traject=traject, ronde=ronde, ronde_form=ronde_form,
        stelling_form=forms.get("stelling_form") or StellingForm(formdata=None),
        analyse_form=forms.get("analyse_form") or AnalyseForm(formdata=None),
        moderatie_form=ModeratieForm(formdata=None),
        voorgesteld=services.stellingen(traject, StellingStatus.VOORGESTELD),
        zichtbaar=services.stellingen(traject, StellingStatus.ZICHTBAAR),
        afgewezen=services.stellingen(traject, StellingStatus.AFGEWEZEN),
        counts=services.vote_counts(traject), voters=services.count_voters(traject),
        runs=analyses.runs(traject), sessies=services.sessies(traject),
        stemcodes=services.count_stemcodes(traject), soort_labels=SOORT_LABELS)


@blueprint.route("/<int:traject_id>/beheer", methods=["GET", "POST"])
def beheer(traject_id):
    traject = _managed(traject_id)
    ronde = services.ronde_for(traject)
    form = RondeForm()
    if form.validate_on_submit():
        before = ronde.deelname
        services.update_ronde(traject, current_user, form.data)
        db.session.commit()
        flash(_("De instellingen zijn opgeslagen."), "success")
        if ronde.deelname is not before and services.has_voters(traject):  # old votes stay; their voters start anew
            flash(_("Let op: er was al gestemd. Wie al stemde, kan door deze wijziging nog een keer stemmen, als "
                    "nieuwe deelnemer. De eerdere stemmen blijven meetellen."), "info")
        return redirect(url_for(".beheer", traject_id=traject.id))
    db.session.commit()  # the settings row, created on first visit
    return _beheer_page(traject, ronde, **({"ronde_form": form} if form.is_submitted() else {}))


@blueprint.route("/<int:traject_id>/stellingen/nieuw", methods=["POST"])
def stelling_nieuw(traject_id):
    traject = _managed(traject_id)
    form = StellingForm()
    if form.validate_on_submit():
        services.add_stelling(traject, current_user, form.text.data)
        db.session.commit()
        flash(_("De stelling is toegevoegd."), "success")
        return redirect(url_for(".beheer", traject_id=traject.id))
    return _beheer_page(traject, services.ronde_for(traject), stelling_form=form)


@blueprint.route("/<int:traject_id>/stellingen/<int:stelling_id>/modereren", methods=["POST"])
def modereren(traject_id, stelling_id):
    traject = _managed(traject_id)
    stelling = get_in(Stelling, stelling_id, traject.id)
    form = ModeratieForm()
    if form.validate_on_submit():
        services.moderate(stelling, current_user, accept=form.besluit.data == "toelaten", reden=form.reden.data or "")
        db.session.commit()
        flash(_("Het besluit over de stelling is opgeslagen."), "success")
    else:
        flash(_("Kies toelaten of afwijzen, en geef bij afwijzen een reden."), "error")
    return redirect(url_for(".beheer", traject_id=traject.id))


@blueprint.route("/<int:traject_id>/stemcodes", methods=["GET", "POST"])
def stemcodes(traject_id):
    traject = _managed(traject_id)
    form = StemcodesMakenForm()
    codes = []
    if form.validate_on_submit():
        codes = services.make_stemcodes(traject, current_user, form.aantal.data)
        db.session.commit()
    return render_template("minderheidsstandpunten/stemcodes.html", traject=traject, form=form, codes=codes,
                           count=services.count_stemcodes(traject))


@blueprint.route("/<int:traject_id>/analyses", methods=["POST"])
def analyse_nieuw(traject_id):
    traject = _managed(traject_id)
    form = AnalyseForm()
    if not form.validate_on_submit():
        return _beheer_page(traject, services.ronde_for(traject), analyse_form=form)
    try:
        analyse = analyses.run(traject, current_user, min_votes=form.min_votes.data,
                               max_groups=form.max_groups.data, seed=form.seed.data)
    except InputError:
        flash(_("Er zijn nog geen stemmen om te analyseren."), "error")
        return redirect(url_for(".beheer", traject_id=traject.id))
    db.session.commit()
    return redirect(url_for(".kaart", traject_id=traject.id, analyse_id=analyse.id))


@blueprint.route("/<int:traject_id>/analyses/<int:analyse_id>")
def kaart(traject_id, analyse_id):
    traject = get_traject(traject_id)
    require(can_view_map(current_user, traject, services.find_ronde(traject)))
    analyse = get_in(Analyse, analyse_id, traject.id)
    texts = {s.id: s.text for s in services.stellingen(traject)}
    return render_template("minderheidsstandpunten/kaart.html", traject=traject, analyse=analyse,
                           view=analyses.map_view(analyse, texts))


@blueprint.route("/<int:traject_id>/sessies/nieuw", methods=["GET", "POST"])
def sessie_nieuw(traject_id):
    traject = _managed(traject_id)
    form = SessieForm()
    if form.validate_on_submit():
        sessie = services.add_sessie(traject, current_user, form.data)
        db.session.commit()
        flash(_("De sessie is vastgelegd. Leg nu de minderheidsstandpunten vast."), "success")
        return redirect(url_for(".sessie", traject_id=traject.id, sessie_id=sessie.id))
    return render_template("minderheidsstandpunten/sessie_form.html", traject=traject, form=form)


def _standpunt_form(traject, formdata=True):
    form = StandpuntForm() if formdata else StandpuntForm(formdata=None)
    form.stellingen.choices = [SelectChoice(s.id, s.text)
                               for s in services.stellingen(traject, StellingStatus.ZICHTBAAR)]
    latest = analyses.latest(traject)
    choices = [SelectChoice("", _("Geen"))]
    if latest is not None:
        for g in json.loads(latest.result)["groups"]:
            choices.append(SelectChoice(f"{latest.id}:{g['id']}", _("Groep %(name)s (%(n)s deelnemers)",
                                                                   name=analyses.group_name(g["id"]), n=g["size"])))
    form.groep.choices = choices
    return form


def _sessie_page(traject, sessie, standpunt_form=None, failed=None):
    return render_template(
        "minderheidsstandpunten/sessie.html", traject=traject, sessie=sessie, soort_labels=SOORT_LABELS,
        standpunt_form=standpunt_form or _standpunt_form(traject, formdata=False),
        voorwaarde_form=VoorwaardeForm(formdata=None), afhandeling_form=AfhandelingForm(formdata=None),
        voorwaarde_labels=VOORWAARDE_LABELS, afhandeling_labels=AFHANDELING_LABELS, failed=failed or {})


@blueprint.route("/<int:traject_id>/sessies/<int:sessie_id>")
def sessie(traject_id, sessie_id):
    traject = _managed(traject_id)
    return _sessie_page(traject, get_in(Sessie, sessie_id, traject.id))


@blueprint.route("/<int:traject_id>/sessies/<int:sessie_id>/standpunten", methods=["POST"])
def standpunt_nieuw(traject_id, sessie_id):
    traject = _managed(traject_id)
    sessie = get_in(Sessie, sessie_id, traject.id)
    form = _standpunt_form(traject)
    if form.validate_on_submit():
        try:
            services.add_standpunt(sessie, current_user, form.data)
        except services.MoreThanPresent as error:
            form.herkend_door.errors.append(_("Dat zijn meer dan de %(n)s aanwezigen bij de stemming.",
                                              n=error.present))
        else:
            db.session.commit()
            flash(_("Het minderheidsstandpunt is vastgelegd."), "success")
            return redirect(url_for(".sessie", traject_id=traject.id, sessie_id=sessie.id))
    return _sessie_page(traject, sessie, standpunt_form=form)


@blueprint.route("/<int:traject_id>/standpunten/<int:standpunt_id>/voorwaarden", methods=["POST"])
def voorwaarde_nieuw(traject_id, standpunt_id):
    traject = _managed(traject_id)
    standpunt = get_in(Standpunt, standpunt_id, traject.id, via=lambda s: s.sessie.traject_id)
    form = VoorwaardeForm()
    if form.validate_on_submit():
        services.add_voorwaarde(standpunt, current_user, form.data)
        db.session.commit()
        flash(_("De voorwaarde is vastgelegd."), "success")
        return redirect(url_for(".sessie", traject_id=traject.id, sessie_id=standpunt.sessie_id))
    return _sessie_page(traject, standpunt.sessie, failed={("voorwaarde", standpunt.id): form})


@blueprint.route("/<int:traject_id>/voorwaarden/<int:voorwaarde_id>/afhandeling", methods=["POST"])
def afhandeling(traject_id, voorwaarde_id):
    traject = _managed(traject_id)
    voorwaarde = get_in(Voorwaarde, voorwaarde_id, traject.id, via=lambda v: v.standpunt.sessie.traject_id)
    form = AfhandelingForm()
    if form.validate_on_submit():
        services.handle_voorwaarde(voorwaarde, current_user, form.data)
        db.session.commit()
        flash(_("Wat er met de voorwaarde is gedaan, is opgeslagen."), "success")
        return redirect(url_for(".sessie", traject_id=traject.id, sessie_id=voorwaarde.standpunt.sessie_id))
    return _sessie_page(traject, voorwaarde.standpunt.sessie, failed={("afhandeling", voorwaarde.id): form})

