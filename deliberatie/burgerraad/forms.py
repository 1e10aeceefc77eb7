from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, FloatField, HiddenField, IntegerField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from .. import clock
from .services import consent_terms, parse_vragen

ALGORITHM_LABELS = {
    "leximin": _l("LEXIMIN (aanbevolen): de kleinste kans zo groot mogelijk, dan de volgende"),
    "maximin": _l("Maximin: alleen de kleinste kans zo groot mogelijk"),
    "nash": _l("Nash: het product van de kansen zo groot mogelijk"),
    "legacy": _l("LEGACY: de oudere stap-voor-stap-methode (ter vergelijking)"),
}

VRAGEN_ERRORS = {
    "no_values": _l("Regel %(line)s: schrijf de vraag als 'naam: waarde, waarde'."),
    "duplicate": _l("Regel %(line)s: een vraag of waarde staat er twee keer in."),
    "wijk_values": _l("Regel %(line)s: de waarden van 'wijk' moeten de wijken van het traject zijn."),
    "too_long": _l("Regel %(line)s: een naam of waarde is te lang."),
    "none": _l("Geef minstens één vraag op."),
}

MAX_SEED = 2**63 - 1


class DecimalCommaField(FloatField):
    """A number as Dutch users type it: 10,5 as well as 10.5."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.strip().replace(",", ".", 1) if isinstance(v, str) else v for v in valuelist])


class SettingsForm(FlaskForm):
    panel_size = IntegerField(_l("Aantal leden van de burgerraad"), default=30,
                              validators=[InputRequired(), NumberRange(min=1, max=500)])
    vragen = TextAreaField(
        _l("Vragen voor de loting"), validators=[DataRequired()],
        default="geslacht: man, vrouw\nleeftijd: 15-24, 25-44, 45-64, 65+\nwijk\nopleiding: laag, middelbaar, hoog",
        description=_l("Eén vraag per regel: naam, dubbele punt, de antwoorden met komma's. De naam is die "
                       "van de bevolkingscijfers (geslacht, leeftijd, opleiding, herkomst). Alleen 'wijk' "
                       "zonder antwoorden: de wijk volgt uit het adres."))
    codes_per_letter = IntegerField(_l("Codes per brief"), default=2,
                                    validators=[InputRequired(), NumberRange(min=1, max=4)],
                                    description=_l("Zo kunnen meer mensen uit één huishouden zich aanmelden."))
    one_per_household = BooleanField(_l("Hoogstens één lid per adres"), default=True)
    purpose = TextAreaField(_l("Doel van de gegevens (staat in de toestemming)"),
                            validators=[DataRequired(), Length(max=1000)],
                            default="de loting van de burgerraad en contact met de gelote leden")
    term_ends_on = DateField(_l("Einde van de burgerraad: daarna wissen we de persoonsgegevens"),
                             validators=[DataRequired()])

    def __init__(self, *args, wijk_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.wijk_names = list(wijk_names)

    def validate_term_ends_on(self, field):
        # the daily purge deletes the pool the day after this date: a past date would delete the
        # contact details of the drawn members the night after the draw
        if field.data is not None and field.data <= clock.today():
            raise ValidationError(_l("Kies een datum na vandaag: de dag erna wissen we de gegevens."))

    def validate_vragen(self, field):
        try:
            parse_vragen(field.data, self.wijk_names)
        except ValueError as error:
            code, line = error.args[0]
            raise ValidationError(VRAGEN_ERRORS[code] % {"line": line}) from None


def letters_form(wijken, formdata=None):
    """Upload form with one expected response percentage per wijk."""

    class LettersForm(FlaskForm):
        extract = FileField(_l("Adressenbestand (CSV met adres_id en wijk)"),
                            validators=[FileRequired(_l("Kies een bestand."))])
        total = IntegerField(_l("Aantal brieven"), validators=[InputRequired(), NumberRange(min=1, max=100000)])
        spread = RadioField(_l("Verdeling over de wijken"), default="bevolking", choices=[
            SelectChoice("bevolking", _l("Naar inwonertal")),
            SelectChoice("respons", _l("Meer brieven waar minder mensen reageren (verwachte respons hieronder)"))])
        seed = IntegerField(_l("Startgetal van de loting (leeg: willekeurig)"),
                            validators=[Optional(), NumberRange(min=0, max=MAX_SEED)])

    for wijk in wijken:
        setattr(LettersForm, f"respons_{wijk.id}", DecimalCommaField(
            _l("Verwachte respons in %(wijk)s (%%)", wijk=wijk.name), default=10.0,
            validators=[InputRequired(), NumberRange(min=0.1, max=100)]))
    return LettersForm(formdata=formdata) if formdata is not None else LettersForm()


class CodeForm(FlaskForm):
    code = StringField(_l("Uw code uit de brief"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Bijvoorbeeld 7KQ2-M9XD-4TBW-H1RZ. Streepjes en spaties mogen."))


def registration_form(burgerraad):
    class RegistrationForm(FlaskForm):
        name = StringField(_l("Naam"), validators=[DataRequired(), Length(max=120)])
        email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Email(check_deliverability=False),
                                                          Length(max=254)])
        phone = StringField(_l("Telefoonnummer (niet verplicht)"), validators=[Optional(), Length(max=40)])
        available = BooleanField(_l("Ik kan bij de bijeenkomsten zijn als ik word geloot"),
                                 validators=[DataRequired(_l("Alleen wie kan komen, doet mee aan de loting."))])
        consent = BooleanField(
            _l("Ik geef toestemming voor het gebruik van mijn gegevens"),
            description=_l("Doel: %(purpose)s. We bewaren uw gegevens tot en met %(date)s en wissen ze daarna.",
                           purpose=burgerraad.purpose, date=burgerraad.term_ends_on.strftime("%d-%m-%Y")),
            validators=[DataRequired(_l("Zonder toestemming kunnen we uw aanmelding niet bewaren."))])
        # the purpose and date this form showed (services.register compares them under the row lock)
        voorwaarden = HiddenField(default=consent_terms(burgerraad))

    for vraag in burgerraad.vragen:
        if not vraag.from_address:
            setattr(RegistrationForm, f"vraag_{vraag.id}", RadioField(
                vraag.name.capitalize(), choices=[SelectChoice(q.value, q.value) for q in vraag.waarden],
                validators=[InputRequired(_l("Kies een antwoord."))]))
    return RegistrationForm()


def quota_form(burgerraad, *, stored=False):
    """The quota form; filled with the stored bounds on GET, or always with ``stored``."""
    class QuotaForm(FlaskForm):
        panel_size = IntegerField(_l("Aantal leden"), validators=[InputRequired(), NumberRange(min=1, max=500)])

        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            for vraag in burgerraad.vragen:
                for q in vraag.waarden:
                    low, high = self[f"min_{q.id}"], self[f"max_{q.id}"]
                    if low.data is not None and high.data is not None and low.data > high.data:
                        high.errors.append(_l("Het maximum is kleiner dan het minimum."))
                        ok = False
            return ok

    for vraag in burgerraad.vragen:
        for q in vraag.waarden:
            for bound, label in (("min", _l("Minimaal")), ("max", _l("Maximaal"))):
                setattr(QuotaForm, f"{bound}_{q.id}", IntegerField(
                    f"{label} {vraag.name} = {q.value}", validators=[Optional(), NumberRange(min=0, max=500)]))
    form = QuotaForm(formdata=None) if stored else QuotaForm()
    if stored or not form.is_submitted():
        form.panel_size.data = burgerraad.panel_size
        for vraag in burgerraad.vragen:
            for q in vraag.waarden:
                form[f"min_{q.id}"].data, form[f"max_{q.id}"].data = q.min_count, q.max_count
    return form


class DeriveForm(FlaskForm):
    panel_size = IntegerField(_l("Aantal leden"), validators=[InputRequired(), NumberRange(min=1, max=500)])
    tolerance = IntegerField(_l("Speling rond het evenredige aantal (%)"), default=25,
                             validators=[InputRequired(), NumberRange(min=0, max=100)])


class SelectionForm(FlaskForm):
    algorithm = SelectField(_l("Methode"), default="leximin",
                            choices=[SelectChoice(k, v) for k, v in ALGORITHM_LABELS.items()])


class SeedForm(FlaskForm):
    seed = IntegerField(_l("Het aangekondigde of live getrokken getal"),
                        validators=[InputRequired(), NumberRange(min=0, max=MAX_SEED)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
