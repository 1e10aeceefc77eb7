from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

MIN_PASSWORD = 10
# autocomplete tokens (WCAG 1.3.5): browsers fill the right value and password managers
# offer to save the new password under the e-mail address.
SIGN_IN_NAME = {"autocomplete": "username"}
NEW_PASSWORD = {"autocomplete": "new-password"}


def _new_password(label):
    return PasswordField(label, description=_l("Minstens %(n)s tekens.", n=MIN_PASSWORD),
                         validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)], render_kw=NEW_PASSWORD)


def _repeat_password():
    return PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[DataRequired(), EqualTo("password", message=_l("De wachtwoorden zijn niet gelijk."))],
        render_kw=NEW_PASSWORD,
    )


class RegisterForm(FlaskForm):
    """Step one: who and where to. The password comes with the link in the mail (ChoosePasswordForm)."""

    name = StringField(_l("Naam (mag ook een bijnaam zijn)"), validators=[Length(max=120)],
                       render_kw={"autocomplete": "nickname"})
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ChoosePasswordForm(FlaskForm):
    password = _new_password(_l("Wachtwoord"))
    confirm = _repeat_password()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Email(check_deliverability=False)],
                       render_kw=SIGN_IN_NAME)
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Email(check_deliverability=False)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("Nieuw wachtwoord"))
    confirm = _repeat_password()
