"""Residents register for a burgerraad with the code from their letter."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter
from . import blueprint, forms, services

SESSION_KEY = "burgerraad_code"


@blueprint.route("/aanmelden", methods=["GET", "POST"])
@limiter.limit("10 per minute; 40 per hour", methods=["POST"])
def aanmelden():
    form = forms.CodeForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        invitation = services.find_invitation(form.code.data)
        if invitation is not None and invitation.aanmelding is None:
            session[SESSION_KEY] = invitation.code
            return redirect(url_for(".formulier"))
        form.code.errors.append(_("Deze code is al gebruikt.") if invitation is not None
                                else _("Deze code kennen we niet, of de aanmelding is gesloten."))
    return render_template("burgerraad/aanmelden.html", form=form), (422 if form.errors else 200)


@blueprint.route("/aanmelden/formulier", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def formulier():
    invitation = services.find_invitation(session.get(SESSION_KEY, ""))
    if invitation is not None and invitation.aanmelding is not None:
        return _already_registered()  # e.g. the button pressed twice: the first press registered
    if invitation is None:
        flash(_("Vul eerst de code uit uw brief in."), "info")
        return redirect(url_for(".aanmelden"))
    burgerraad = invitation.burgerraad
    form = forms.registration_form(burgerraad)
    if form.validate_on_submit():
        try:
            # the terms this form showed; a form without them (WTForms would fill in the default) is asked again
            services.register(invitation, form.data, shown_terms=request.form.get("voorwaarden", ""))
            db.session.commit()
        except (IntegrityError, services.AlreadyRegistered):
            db.session.rollback()
            return _already_registered()
        except services.NotAllowedNow:  # registration closed while this form was sent
            db.session.rollback()
            session.pop(SESSION_KEY, None)
            flash(_("De aanmelding is net gesloten. Uw aanmelding is niet opgeslagen."), "error")
            return redirect(url_for(".aanmelden"))
        except services.TermsChanged:  # the organiser changed the purpose or date while the form was open
            db.session.rollback()
            return _consent_again(invitation)
        session.pop(SESSION_KEY, None)
        return render_template("burgerraad/bedankt.html", burgerraad=burgerraad)
    return render_template("burgerraad/formulier.html", form=form, burgerraad=burgerraad, invitation=invitation)


def _consent_again(invitation):
    """The form again with the new purpose and date, consent unticked, the rest as typed."""
    burgerraad = invitation.burgerraad
    form = forms.registration_form(burgerraad)
    form.voorwaarden.data = services.consent_terms(burgerraad)
    form.consent.data = False
    form.consent.errors = [_("De gemeente heeft het doel of de bewaartermijn net gewijzigd. Lees de tekst "
                             "hieronder en geef opnieuw toestemming als u het ermee eens bent.")]
    return render_template("burgerraad/formulier.html", form=form, burgerraad=burgerraad,
                           invitation=invitation), 409


def _already_registered():
    session.pop(SESSION_KEY, None)
    flash(_("Met deze code is al een aanmelding binnengekomen. Heeft u net zelf op ‘Aanmelden’ geklikt? "
            "Dan is uw aanmelding gelukt."), "info")
    return redirect(url_for(".aanmelden"))
