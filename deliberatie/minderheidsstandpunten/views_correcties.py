"""Organiser routes to correct a recorded session, minority view or condition: edit or delete.

The same organisers and beheerders who record them (``_managed``); the same
forms and checks as recording. Deleting asks first, on a page of its own that
says what goes with it, and needs that page's POST (``bevestigd``).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields import SelectChoice

from ..extensions import db
from . import analyses, blueprint, correcties, services
from .forms import SessieForm, VerwijderForm, VoorwaardeForm
from .models import Sessie, Standpunt, Voorwaarde
from .views import get_in
from .views_beheer import _managed, _standpunt_form


def _managed_row(model, traject_id, object_id):
    """``(traject, row)`` for the traject's organisers and beheerders; a row of another traject is 404."""
    traject = _managed(traject_id)
    via = {Sessie: None, Standpunt: lambda s: s.sessie.traject_id,
           Voorwaarde: lambda v: v.standpunt.sessie.traject_id}[model]
    return traject, get_in(model, object_id, traject.id, via=via)


def _to_sessie(traject, sessie_id, anchor=None):
    return redirect(url_for(".sessie", traject_id=traject.id, sessie_id=sessie_id, _anchor=anchor))


def _prefilled(form_class, row):
    """The posted form, or on GET the form filled from ``row`` (its kind as the select's value)."""
    if request.method == "POST":
        return form_class()
    form = form_class(obj=row, formdata=None)
    form.soort.data = row.soort.value
    return form


def _saved(form, save, refusal=None):
    """Validate ``form`` and ``save()`` (it returns what changed); True once committed.

    ``refusal`` is ``(exception, field name, message(error))``: the service's own check, shown at that field.
    """
    if not form.validate_on_submit():
        return False
    kind, field, message = refusal or ((), None, None)
    try:
        changed = save()
    except kind as error:
        getattr(form, field).errors.append(message(error))
        return False
    db.session.commit()
    flash(_("De wijziging is opgeslagen.") if changed else _("Er was niets gewijzigd."), "success")
    return True


def _edit_page(template, traject, form, sessie, **context):
    return render_template(f"minderheidsstandpunten/{template}", traject=traject, form=form, sessie=sessie,
                           openbaar=correcties.is_public(traject.id), **context)


@blueprint.route("/<int:traject_id>/sessies/<int:sessie_id>/bewerken", methods=["GET", "POST"])
def sessie_bewerken(traject_id, sessie_id):
    traject, sessie = _managed_row(Sessie, traject_id, sessie_id)
    form = _prefilled(SessieForm, sessie)
    if _saved(form, lambda: correcties.edit_sessie(sessie, current_user, form.data), (
            correcties.FewerThanRecognised, "onthouding", lambda error: _(
                "Samen zijn dat %(n)s aanwezigen, minder dan de %(m)s die zich herkennen in \"%(title)s\". "
                "Pas eerst dat standpunt aan.", n=error.present, m=error.standpunt.herkend_door,
                title=error.standpunt.title))):
        return _to_sessie(traject, sessie.id)
    return _edit_page("sessie_form.html", traject, form, sessie)


def _standpunt_edit_form(traject, standpunt):
    """The form of adding a view, with the view's own group and statements as choices even if no longer offered."""
    posted = request.method == "POST"
    form = _standpunt_form(traject, formdata=posted)
    link = f"{standpunt.analyse_id}:{standpunt.groep}" if standpunt.groep is not None and standpunt.analyse_id else ""
    if link and link not in {c.value for c in form.groep.choices}:
        form.groep.choices.append(SelectChoice(link, _("Groep %(name)s uit een eerdere analyse",
                                                       name=analyses.group_name(standpunt.groep))))
    offered = {c.value for c in form.stellingen.choices}
    form.stellingen.choices += [SelectChoice(s.id, s.text) for s in standpunt.stellingen if s.id not in offered]
    if not posted:
        form.process(formdata=None, obj=standpunt)
        form.groep.data = link
        form.stellingen.data = [s.id for s in standpunt.stellingen]
    return form


@blueprint.route("/<int:traject_id>/standpunten/<int:standpunt_id>/bewerken", methods=["GET", "POST"])
def standpunt_bewerken(traject_id, standpunt_id):
    traject, standpunt = _managed_row(Standpunt, traject_id, standpunt_id)
    form = _standpunt_edit_form(traject, standpunt)
    if _saved(form, lambda: correcties.edit_standpunt(standpunt, current_user, form.data), (
            services.MoreThanPresent, "herkend_door",
            lambda error: _("Dat zijn meer dan de %(n)s aanwezigen bij de stemming.", n=error.present))):
        return _to_sessie(traject, standpunt.sessie_id, f"standpunt-{standpunt.id}")
    return _edit_page("bewerken.html", traject, form, standpunt.sessie, title=_("Minderheidsstandpunt bewerken"))


@blueprint.route("/<int:traject_id>/voorwaarden/<int:voorwaarde_id>/bewerken", methods=["GET", "POST"])
def voorwaarde_bewerken(traject_id, voorwaarde_id):
    traject, voorwaarde = _managed_row(Voorwaarde, traject_id, voorwaarde_id)
    form = _prefilled(VoorwaardeForm, voorwaarde)
    if _saved(form, lambda: correcties.edit_voorwaarde(voorwaarde, current_user, form.data)):
        return _to_sessie(traject, voorwaarde.standpunt.sessie_id, f"standpunt-{voorwaarde.standpunt_id}")
    return _edit_page("bewerken.html", traject, form, voorwaarde.standpunt.sessie, title=_("Voorwaarde bewerken"))


def _delete(traject, sessie, *, name, what, consequence, delete, done, after):
    """The confirmation page (GET, or a POST without confirmation), else delete and go to ``after``."""
    if request.method == "POST" and VerwijderForm().validate_on_submit():
        delete()
        db.session.commit()
        flash(done, "success")
        return redirect(after)
    return _edit_page("verwijderen.html", traject, VerwijderForm(formdata=None), sessie, name=name, what=what,
                      consequence=consequence)


@blueprint.route("/<int:traject_id>/sessies/<int:sessie_id>/verwijderen", methods=["GET", "POST"])
def sessie_verwijderen(traject_id, sessie_id):
    traject, sessie = _managed_row(Sessie, traject_id, sessie_id)
    views = len(sessie.standpunten)
    conditions = sum(len(st.voorwaarden) for st in sessie.standpunten)
    consequence = ""
    if views:
        views = ngettext("%(num)s minderheidsstandpunt", "%(num)s minderheidsstandpunten", views)
        consequence = (_("Met de sessie worden ook verwijderd: %(views)s en %(conditions)s.", views=views,
                         conditions=ngettext("%(num)s voorwaarde", "%(num)s voorwaarden", conditions))
                       if conditions else _("Met de sessie worden ook verwijderd: %(views)s.", views=views))
    return _delete(traject, sessie, name=sessie.title, what=_("Sessie verwijderen"), consequence=consequence,
                   delete=lambda: correcties.delete_sessie(sessie, current_user), done=_("De sessie is verwijderd."),
                   after=url_for(".beheer", traject_id=traject.id, _anchor="sessies"))


@blueprint.route("/<int:traject_id>/standpunten/<int:standpunt_id>/verwijderen", methods=["GET", "POST"])
def standpunt_verwijderen(traject_id, standpunt_id):
    traject, standpunt = _managed_row(Standpunt, traject_id, standpunt_id)
    conditions = len(standpunt.voorwaarden)
    consequence = (ngettext("De voorwaarde die bij dit standpunt is vastgelegd, wordt ook verwijderd.",
                            "De %(num)s voorwaarden die bij dit standpunt zijn vastgelegd, worden ook verwijderd.",
                            conditions) if conditions else "")
    return _delete(traject, standpunt.sessie, name=standpunt.title, what=_("Minderheidsstandpunt verwijderen"),
                   consequence=consequence, delete=lambda: correcties.delete_standpunt(standpunt, current_user),
                   done=_("Het minderheidsstandpunt is verwijderd."),
                   after=url_for(".sessie", traject_id=traject.id, sessie_id=standpunt.sessie_id))


@blueprint.route("/<int:traject_id>/voorwaarden/<int:voorwaarde_id>/verwijderen", methods=["GET", "POST"])
def voorwaarde_verwijderen(traject_id, voorwaarde_id):
    traject, voorwaarde = _managed_row(Voorwaarde, traject_id, voorwaarde_id)
    return _delete(traject, voorwaarde.standpunt.sessie, name=voorwaarde.text, what=_("Voorwaarde verwijderen"),
                   consequence="", delete=lambda: correcties.delete_voorwaarde(voorwaarde, current_user),
                   done=_("De voorwaarde is verwijderd."),
                   after=url_for(".sessie", traject_id=traject.id, sessie_id=voorwaarde.standpunt.sessie_id,
                                 _anchor=f"standpunt-{voorwaarde.standpunt_id}"))
