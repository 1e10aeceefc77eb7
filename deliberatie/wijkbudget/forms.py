from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, widgets)
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .codes import MAX_PER_BATCH
from .messages import BALLOT_LABELS, RULE_LABELS, rules_for
from .models import BallotType
from .money import parse_euros


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _money(form, field):
    try:
        cents = parse_euros(field.data)
    except ValueError:
        raise ValidationError(_l("Vul een bedrag in euro's in, bijvoorbeeld 12.500 of 12500,00."))
    field.cents = cents


class WijkbudgetForm(FlaskForm):
    title = StringField(_l("Naam van het wijkbudget"), validators=[DataRequired(), Length(max=200)])
    budget = StringField(_l("Budget in euro's"), validators=[DataRequired(), _money])
    wijken = CheckboxListField(_l("Voor welke wijken?"), coerce=int,
                               validators=[DataRequired(_l("Kies minstens één wijk."))])
    voting_starts_on = DateField(_l("Stemmen kan vanaf"), validators=[DataRequired()])
    voting_ends_on = DateField(_l("Stemmen kan tot en met"), validators=[DataRequired()])
    min_age = IntegerField(_l("Minimumleeftijd"), default=16,  # 0 (no minimum) is an answer: not DataRequired
                           validators=[InputRequired(), NumberRange(0, 120)])
    ballot_type = SelectField(_l("Soort stembiljet"),
                              choices=[SelectChoice(t.value, label) for t, label in BALLOT_LABELS.items()])
    min_choices = IntegerField(_l("Minimaal aantal projecten (kiezen of volgorde)"),
                               validators=[Optional(), NumberRange(0, 1000)])
    max_choices = IntegerField(_l("Maximaal aantal projecten (kiezen), of de top k (volgorde)"),
                               validators=[Optional(), NumberRange(1, 1000)])
    min_share_percent = IntegerField(_l("Binnen het budget: minimaal te besteden deel (procent)"),
                                     validators=[Optional(), NumberRange(0, 100)])
    points = IntegerField(_l("Punten verdelen: aantal punten per stemmer"), validators=[Optional(), NumberRange(1, 1000)])
    rule = SelectField(_l("Telregel"), choices=[SelectChoice(r, label) for r, label in RULE_LABELS.items()])
    explanation = TextAreaField(_l("Uitleg van de telregel voor stemmers"),
                                description=_l("Laat leeg voor de standaarduitleg bij de gekozen telregel."))
    ask_statistics = BooleanField(_l("Vraag stemmers (vrijwillig) naar geslacht en leeftijd"), default=True)

    def validate_budget(self, field):
        if getattr(field, "cents", None) == 0:  # set by _money when the amount could be read
            raise ValidationError(_l("Het budget moet meer dan € 0 zijn."))

    def validate_voting_ends_on(self, field):
        if field.data and self.voting_starts_on.data and field.data < self.voting_starts_on.data:
            raise ValidationError(_l("De einddatum ligt voor de begindatum."))

    def validate(self, extra_validators=None):
        """Checks that depend on the ballot type (Optional() stops per-field checks on empty fields)."""
        ok = super().validate(extra_validators)
        kind = self.ballot_type.data
        if kind == BallotType.CUMULATIVE.value and not self.points.data:
            self.points.errors.append(_l("Vul in hoeveel punten een stemmer mag verdelen."))
            ok = False
        if kind == BallotType.RANKING.value and not self.max_choices.data:
            self.max_choices.errors.append(_l("Vul in hoeveel projecten een stemmer op volgorde zet (de top k)."))
            ok = False
        if self.max_choices.data and self.min_choices.data and self.max_choices.data < self.min_choices.data:
            self.max_choices.errors.append(_l("Het maximum is kleiner dan het minimum."))
            ok = False
        return ok

    def validate_rule(self, field):
        try:
            kind = BallotType(self.ballot_type.data)
        except ValueError:
            return
        fitting = rules_for(kind)
        if field.data not in fitting:
            raise ValidationError(_("Deze telregel past niet bij dit stembiljet. Kies uit: %(rules)s.",
                                    rules=", ".join(str(RULE_LABELS[r]) for r in fitting)))


class ProjectForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Omschrijving"))
    cost = StringField(_l("Kosten in euro's"), validators=[DataRequired(), _money])
    wijk_id = SelectField(_l("Wijk"), coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    image = FileField(_l("Afbeelding (PNG, JPEG of WebP, hoogstens 2 MB)"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV-bestand met projecten"),
                     description=_l("Kolommen: titel, kosten, en eventueel omschrijving en wijk. "
                                    "Scheidingsteken ; of ,."))


class PhaseForm(FlaskForm):
    action = HiddenField()


class CountForm(FlaskForm):
    rule = SelectField(_l("Telregel voor de uitslag"),
                       choices=[SelectChoice(r, label) for r, label in RULE_LABELS.items()])


class GenerateCodesForm(FlaskForm):
    count = IntegerField(_l("Aantal stemcodes"), validators=[DataRequired(), NumberRange(1, MAX_PER_BATCH)])


class DownloadCodesForm(FlaskForm):
    codes = HiddenField()
    format = HiddenField()


class RevokeForm(FlaskForm):
    code = StringField(_l("Stemcode die u wilt intrekken"), validators=[DataRequired()])
    reissue = BooleanField(_l("Maak meteen een nieuwe code aan"), default=True)


class VotingForm(FlaskForm):
    """The voters' forms: their CSRF field renders as wtforms renders it, without its generic machinery.

    Every voting page renders one; wtforms builds the ``<input>`` through
    ``Markup.format`` per attribute. Anything unusual (render arguments, flags)
    goes the usual way.
    """

    class Meta:
        def render_field(self, field, render_kw):
            if (isinstance(field, CSRFTokenField) and not render_kw and not getattr(field, "render_kw", None)
                    and not getattr(field.flags, "disabled", False)):
                return _HIDDEN_INPUT % (field.id, field.name, field._value())
            return super().render_field(field, render_kw)


_HIDDEN_INPUT = Markup('<input id="%s" name="%s" type="hidden" value="%s">')


class CodeForm(VotingForm):
    code = StringField(_l("Uw stemcode"), validators=[DataRequired(_l("Vul uw stemcode in."))],
                       description=_l("De code staat in de brief, bijvoorbeeld ABCD-EFGH-JKLM-NPQR."))


class ReceiptForm(FlaskForm):
    """Look up a receipt: a GET form that changes nothing, so no CSRF token in the link."""

    class Meta:
        csrf = False

    nummer = StringField(_l("Nummer van uw ontvangstbewijs"),
                         validators=[DataRequired(_l("Vul het nummer van uw ontvangstbewijs in."))],
                         description=_l("Het staat op de pagina die u na het stemmen zag, bijvoorbeeld "
                                        "ABCD-EFGH-JKLM. Uw stemcode hoort hier niet."))


class BallotForm(VotingForm):
    """Only the CSRF token and the optional questions; the projects are read by voting.read_choice."""


class PaperBallotForm(FlaskForm):
    code = StringField(_l("Stemcode op het papieren stembiljet"), validators=[DataRequired()])
