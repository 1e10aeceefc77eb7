from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..codes import MAX_PER_BATCH
from .models import JuryKind, PitchStatus
from .services import parse_criteria

STATUS_LABELS = {
    PitchStatus.ONTVANGEN: _l("Ontvangen"),
    PitchStatus.IN_BEHANDELING: _l("In behandeling"),
    PitchStatus.HAALBAARHEIDSTOETS: _l("Haalbaarheidstoets"),
    PitchStatus.GESELECTEERD: _l("Geselecteerd"),
    PitchStatus.AFGEWEZEN: _l("Afgewezen"),
}
JURY_LABELS = {JuryKind.INWONER: _l("Inwoner"), JuryKind.RAADSLID: _l("Raadslid"),
               JuryKind.AMBTENAAR: _l("Ambtenaar")}


def euros_to_cents(text: str) -> int:
    """'1.250,50' or '1250.50' or '1250' -> 125050; ValueError otherwise."""
    text = (text or "").strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    cents = value * 100
    if value < 0 or cents != cents.to_integral_value() or value > Decimal("100000000"):
        raise ValueError(text)
    return int(cents)


class PitchForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    problem = TextAreaField(_l("Welk probleem lost u op?"), validators=[DataRequired(), Length(max=5000)])
    plan = TextAreaField(_l("Wat is uw plan?"), validators=[DataRequired(), Length(max=10000)])
    cost = StringField(_l("Geschatte kosten in euro"), validators=[DataRequired()],
                       description=_l("Bijvoorbeeld 2.500 of 2500,00"))
    wijk = SelectField(_l("Wijk"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    ask = TextAreaField(_l("Wat vraagt u van de gemeente?"), validators=[Optional(), Length(max=5000)])
    dragers = TextAreaField(_l("Wie voeren het uit? (dragers en doeners)"), validators=[DataRequired(), Length(max=5000)])
    image = FileField(_l("Afbeelding (PNG of JPEG, hooguit 2 MB, mag leeg)"))
    image_alt = StringField(_l("Wat staat er op de afbeelding?"), validators=[Length(max=300)])

    def validate_cost(self, field):
        try:
            field.cents = euros_to_cents(field.data)
        except ValueError:
            raise ValidationError(_l("Vul een bedrag in euro in, zoals 2.500 of 2500,00.")) from None

    def validate_image_alt(self, field):
        if self.image.data and getattr(self.image.data, "filename", "") and not (field.data or "").strip():
            raise ValidationError(_l("Beschrijf kort wat er op de afbeelding staat."))

    def fill_choices(self, wijken):
        self.wijk.choices = [SelectChoice("", _l("Hele gemeente"))] + [SelectChoice(w.id, w.name) for w in wijken]
        return self


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, l) for s, l in STATUS_LABELS.items()])
    reason = TextAreaField(_l("Uitleg (openbaar)"), validators=[Length(max=5000)],
                           description=_l("Verplicht bij afwijzen. Iedereen kan deze uitleg lezen."))

    def validate_reason(self, field):
        if self.status.data == PitchStatus.AFGEWEZEN.value and not (field.data or "").strip():
            raise ValidationError(_l("Leg uit waarom de pitch is afgewezen."))


class RondeForm(FlaskForm):
    support_threshold = IntegerField(_l("Steundrempel voor agendering"), default=25,
                                     validators=[InputRequired(), NumberRange(1, 100000)],
                                     description=_l("Een lagere drempel zet pitches die hem halen meteen op de "
                                                    "agenda. Een hogere drempel haalt geen pitch van de agenda."))
    jury_weight = IntegerField(_l("Gewicht van de jury (%)"), default=60, validators=[InputRequired(), NumberRange(0, 100)])
    public_weight = IntegerField(_l("Gewicht van de publieke steun (%)"), default=40,
                                 validators=[InputRequired(), NumberRange(0, 100)])
    event_on = DateField(_l("Datum van de pitchavond"), validators=[Optional()])
    event_place = StringField(_l("Plaats van de pitchavond"), validators=[Optional(), Length(max=200)])
    criteria = TextAreaField(_l("Criteria van de jury"), validators=[DataRequired()],
                             description=_l("Eén criterium per regel, met het hoogste cijfer: Haalbaarheid | 10"))

    def validate_public_weight(self, field):
        if field.data is not None and self.jury_weight.data is not None and field.data + self.jury_weight.data != 100:
            raise ValidationError(_l("De twee gewichten zijn samen 100%."))

    def validate_criteria(self, field):
        try:
            field.parsed = parse_criteria(field.data)
        except ValueError as error:
            raise ValidationError(_l("Regel %(line)s klopt niet. Schrijf: naam | hoogste cijfer (1 tot 100).",
                                     line=error.args[0])) from None


class JuryForm(FlaskForm):
    email = StringField(_l("E-mailadres van het jurylid"), validators=[DataRequired(), Email(check_deliverability=False)])
    kind = SelectField(_l("Rol in de jury"), choices=[SelectChoice(k.value, l) for k, l in JURY_LABELS.items()])


class PublishForm(FlaskForm):
    explanation = TextAreaField(_l("Toelichting bij de uitslag (openbaar)"), validators=[DataRequired(), Length(max=10000)])


class ConfirmForm(FlaskForm):
    pass


class SteuncodeForm(FlaskForm):
    code = StringField(_l("Uw steuncode"), validators=[DataRequired(_l("Vul uw steuncode in."))],
                       description=_l("De code staat in de brief van de gemeente, bijvoorbeeld ABCD-EFGH-JKLM-NPQR."))


class GenerateSteuncodesForm(FlaskForm):
    count = IntegerField(_l("Aantal steuncodes"), validators=[InputRequired(), NumberRange(1, MAX_PER_BATCH)])


class DownloadSteuncodesForm(FlaskForm):
    codes = HiddenField()


def score_form(criteria, current):
    class ScoreForm(FlaskForm):
        pass

    for c in criteria:
        setattr(ScoreForm, f"c_{c.id}", IntegerField(
            f"{c.name} (0–{c.max_score})", default=current.get(c.id),
            validators=[InputRequired(_l("Geef een cijfer.")), NumberRange(0, c.max_score)]))
    return ScoreForm()
