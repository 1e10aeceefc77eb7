from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, FieldList, Form, FormField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, widgets)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..models import LadderRung, TrajectStatus

LADDER_LABELS = {
    LadderRung.INFORMEREN: _l("Informeren: wij vertellen wat we gaan doen"),
    LadderRung.RAADPLEGEN: _l("Raadplegen: wij vragen uw mening, de raad beslist"),
    LadderRung.ADVISEREN: _l("Adviseren: uw advies weegt zwaar mee"),
    LadderRung.COPRODUCEREN: _l("Coproduceren: wij maken het plan samen"),
    LadderRung.MEEBESLISSEN: _l("Meebeslissen: inwoners beslissen, de gemeente voert uit"),
}

STATUS_LABELS = {
    TrajectStatus.CONCEPT: _l("Concept (nog niet zichtbaar)"),
    TrajectStatus.OPEN: _l("Open"),
    TrajectStatus.AFGEROND: _l("Afgerond"),
}


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class FaseForm(Form):
    """One phase; an empty row is ignored, a half-filled row is an error."""

    name = StringField(_l("Naam van de fase"), validators=[Optional(), Length(max=120)])
    starts_on = DateField(_l("Begint op"), validators=[Optional()])
    ends_on = DateField(_l("Eindigt op"), validators=[Optional()])

    def is_empty(self):
        return not (self.name.data or self.starts_on.data or self.ends_on.data)

    def validate_name(self, field):
        if not self.is_empty() and not (field.data and self.starts_on.data and self.ends_on.data):
            raise ValidationError(_l("Vul de naam en beide datums van de fase in."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("De einddatum ligt voor de begindatum."))


class TrajectForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    opgave = TextAreaField(_l("Opgave: waar gaat het over?"), validators=[DataRequired()])
    wijken = CheckboxListField(_l("Wijken"), coerce=int, validators=[DataRequired(_l("Kies minstens één wijk."))])
    ladder = SelectField(_l("Trede op de participatieladder"),
                         choices=[SelectChoice(rung.value, label) for rung, label in LADDER_LABELS.items()])
    kaders = TextAreaField(_l("Kaders: budget, regels en wat buiten het traject valt"))
    belofte = TextAreaField(_l("Wat gebeurt er met uw inbreng?"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()])
    fasen = FieldList(FormField(FaseForm), min_entries=1)


class TerugkoppelingForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Wat is er met de inbreng gedaan, en waarom?"), validators=[DataRequired()])
