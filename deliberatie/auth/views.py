import smtplib
import threading

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from ..extensions import db, limiter
from ..mail import send_mail
from ..urls import safe_next
from . import blueprint, services
from .forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm


@blueprint.route("/registreren", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data, password=form.password.data, name=form.name.data or ""
            )
        except services.EmailTaken:
            form.email.errors.append(_("Er is al een account met dit e-mailadres."))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welkom! Uw account is aangemaakt."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("site.home")))
    return render_template("auth/register.html", form=form)


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


def _send_reset_mail(user, subject, body):
    """Send without making the answer wait for, or fail with, the mail server.

    Only known addresses get a mail, so a slower answer or an error page would
    tell who has an account. With a mail server the mail goes out in a thread;
    without one it is only logged, which takes no time.
    """
    app = current_app._get_current_object()
    to, account_id = user.email, user.id  # plain values: the thread outlives the request's session

    def send():
        with app.app_context():
            try:
                send_mail(to, subject, body)
            except (smtplib.SMTPException, OSError):
                app.logger.exception("password reset mail to account %s not sent", account_id)

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
            _send_reset_mail(user, _("Nieuw wachtwoord voor Deliberatie"),
                             _("Kies een nieuw wachtwoord via deze link (1 uur geldig):\n\n%(link)s", link=link))
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

