from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired
from wtforms.fields import SelectChoice

from ..models import Role

ROLE_LABELS = {
    Role.INWONER: _l("Inwoner"),
    Role.ORGANISATOR: _l("Organisator"),
    Role.RAADSLID: _l("Raadslid"),
    Role.BEHEERDER: _l("Beheerder"),
}


class AccountForm(FlaskForm):
    role = SelectField(_l("Rol"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    active = BooleanField(_l("Account actief"))


class DeleteAccountForm(FlaskForm):
    confirm = BooleanField(_l("Ik begrijp dat het account en de gegevens die eraan hangen definitief worden verwijderd"),
                           validators=[DataRequired(_l("Vink aan dat u het account definitief wilt verwijderen."))])

