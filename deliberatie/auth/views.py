import smtplib
import threading

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..mail import send_mail
from ..urls import safe_next
from . import blueprint, services
from .forms import ChoosePasswordForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm


@blueprint.route("/registreren", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Step one: name and address. Every address gets the same page and one mail, so the page
    does not tell who has an account: a link for a new address, login and reset for a known one."""
    form = RegisterForm()
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        next_url = safe_next(request.args.get("next"), "")
        subject, body = _registration_mail(email, form.name.data or "", next_url)
        _send_quietly(email, subject, body, "registration mail")
        return render_template("auth/register_sent.html", email=email, next=next_url or None)
    return render_template("auth/register.html", form=form)


def _registration_mail(email, name, next_url):
    """(subject, body): a link to choose a password for a new address; login and reset for a known one."""
    if services.find_user(email) is None:
        token = services.registration_token(email, name, next_url)
        link = url_for("auth.register_confirm", token=token, _external=True)
        subject = _("Maak uw account aan bij Deliberatie")
        body = _("Kies een wachtwoord via deze link (24 uur geldig). Daarna is uw account klaar:\n\n"
                 "%(link)s\n\nHeeft u dit niet zelf gevraagd? Dan kunt u deze e-mail negeren. "
                 "Er wordt dan geen account gemaakt.", link=link)
    else:
        subject = _("Uw account bij Deliberatie")
        body = _("Iemand wilde een account maken met dit e-mailadres. Maar er is al een account "
                 "met dit e-mailadres.\n\nInloggen:\n%(login)s\n\nWachtwoord vergeten? Kies een "
                 "nieuw wachtwoord:\n%(reset)s\n\nHeeft u dit niet zelf gevraagd? Dan kunt u deze "
                 "e-mail negeren.",
                 login=url_for("auth.login", next=next_url or None, _external=True),
                 reset=url_for("auth.forgot_password", _external=True))
    return subject, body


@blueprint.route("/registreren/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register_confirm(token):
    """Step two, from the mail: choose a password; then the account exists and is signed in."""
    try:
        registration = services.registration_from_token(token)
    except services.LinkExpired:
        return render_template("auth/register_link.html", state="expired"), 410
    except services.LinkInvalid:
        return render_template("auth/register_link.html", state="invalid"), 400
    if services.find_user(registration.email) is not None:  # the link used before, or an account made meanwhile
        return _already_registered(registration)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(email=registration.email, password=form.password.data,
                                          name=registration.name)
        except services.EmailTaken:  # another request with this link was first
            db.session.rollback()
            return _already_registered(registration)
        db.session.commit()
        login_user(user)
        flash(_("Welkom! Uw account is aangemaakt."), "success")
        return redirect(safe_next(registration.next, url_for("site.home")))
    return render_template("auth/register_password.html", form=form, email=registration.email)


def _already_registered(registration):
    """The link's account exists. Its owner, signed in (the mail opened again, a double click),
    simply goes on where the link was going; anyone else is told, with login and reset."""
    if current_user.is_authenticated and current_user.email == registration.email:
        return redirect(safe_next(registration.next, url_for("site.home")), 303)
    return render_template("auth/register_link.html", state="taken",
                           next=safe_next(registration.next, "") or None), 409


@blueprint.route("/inloggen", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("site.home")))
        form.password.errors.append(_("Het e-mailadres of het wachtwoord klopt niet."))
    return render_template("auth/login.html", form=form)


@blueprint.route("/uitloggen", methods=["POST"])
@login_required
def logout():
    # Also what the code flows keep (a letter code, a stemcode): the next person at a shared
    # computer starts afresh. Only the chosen language stays. Cleared before logout_user,
    # which marks the "stay signed in" cookie for removal in the session.
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    logout_user()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("site.home"))


def _send_quietly(to, subject, body, what):
    """Send without making the answer wait for, or fail with, the mail server.

    What is mailed, and whether, depends on whether an address has an account,
    so a slower answer or an error page would tell who has one. With a mail
    server the mail goes out in a thread; without one it is only logged, which
    takes no time. ``what`` names the mail in the log (never the address).
    """
    app = current_app._get_current_object()

    def send():
        with app.app_context():
            try:
                send_mail(to, subject, body)
            except (smtplib.SMTPException, OSError):
                app.logger.exception("%s not sent", what)

    if app.config.get("MAIL_SERVER"):
        threading.Thread(target=send, daemon=True).start()
    else:
        send()


@blueprint.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user and user.active:
            link = url_for("auth.reset_password", token=services.password_reset_token(user), _external=True)
            _send_quietly(user.email, _("Nieuw wachtwoord voor Deliberatie"),
                          _("Kies een nieuw wachtwoord via deze link (1 uur geldig):\n\n%(link)s", link=link),
                          f"password reset mail to account {user.id}")
        # The same answer either way, so the form does not reveal who has an account.
        flash(_("Als dit adres bij ons bekend is, krijgt u een e-mail met een link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@blueprint.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("Deze link is verlopen of al gebruikt. Vraag een nieuwe aan."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        flash(_("Uw wachtwoord is gewijzigd. U kunt nu inloggen."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)

