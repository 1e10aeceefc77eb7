from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

MIN_PASSWORD = 10


class RegisterForm(FlaskForm):
    name = StringField(_l("Naam (mag ook een bijnaam zijn)"), validators=[Length(max=120)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(
        _l("Wachtwoord"),
        description=_l("Minstens %(n)s tekens.", n=MIN_PASSWORD),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
    )
    confirm = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[DataRequired(), EqualTo("password", message=_l("De wachtwoorden zijn niet gelijk."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Email(check_deliverability=False)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired()])
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Email(check_deliverability=False)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        description=_l("Minstens %(n)s tekens.", n=MIN_PASSWORD),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
    )
    confirm = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[DataRequired(), EqualTo("password", message=_l("De wachtwoorden zijn niet gelijk."))],
    )
