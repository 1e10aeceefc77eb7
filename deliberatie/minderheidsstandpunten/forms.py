from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, widgets)
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .models import Afhandeling, Deelname, SessieSoort, VoorwaardeSoort
from .weging import LEEFTIJDEN

DEELNAME_LABELS = {
    Deelname.PSEUDONIEM: _l("Anoniem: zonder account, met een willekeurig nummer in de browser"),
    Deelname.STEMCODE: _l("Met een persoonlijke stemcode"),
    Deelname.ACCOUNT: _l("Met een account (inloggen)"),
}
SOORT_LABELS = {SessieSoort.BIJEENKOMST: _l("Bijeenkomst"), SessieSoort.THEMATAFEL: _l("Thematafel")}
VOORWAARDE_LABELS = {
    VoorwaardeSoort.TIMING: _l("Timing: later of in stappen"),
    VoorwaardeSoort.BEWIJS: _l("Bewijs: eerst onderzoek of cijfers"),
    VoorwaardeSoort.MITIGATIE: _l("Maatregel die de nadelen beperkt"),
    VoorwaardeSoort.COMPENSATIE: _l("Compensatie"),
    VoorwaardeSoort.HERSTEMMING: _l("Opnieuw stemmen na een tijd"),
}
AFHANDELING_LABELS = {
    Afhandeling.OPEN: _l("Nog open"),
    Afhandeling.OVERGENOMEN: _l("Overgenomen"),
    Afhandeling.DEELS: _l("Deels overgenomen"),
    Afhandeling.NIET: _l("Niet overgenomen"),
}
STEM_CHOICES = [SelectChoice("eens", _l("Eens")), SelectChoice("oneens", _l("Oneens")),
                SelectChoice("overslaan", _l("Overslaan"))]


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RondeForm(FlaskForm):
    deelname = RadioField(_l("Hoe doen inwoners mee?"),
                          choices=[SelectChoice(k.value, v) for k, v in DEELNAME_LABELS.items()],
                          description=_l("Let op: wijzigt u dit nadat er al gestemd is, dan kunnen inwoners die al "
                                         "stemden nog een keer stemmen, als nieuwe deelnemer. Hun eerdere stemmen "
                                         "blijven meetellen."))
    open = BooleanField(_l("De stellingen zijn open: inwoners kunnen stemmen"))
    voorstellen_toegestaan = BooleanField(_l("Inwoners mogen zelf stellingen voorstellen"))


class StellingForm(FlaskForm):
    text = TextAreaField(_l("Stelling"), validators=[DataRequired(), Length(min=5, max=300)],
                         description=_l("Eén korte zin waar iemand het mee eens of oneens kan zijn."))


class ModeratieForm(FlaskForm):
    besluit = RadioField(_l("Besluit"), choices=[SelectChoice("toelaten", _l("Toelaten")),
                                                   SelectChoice("afwijzen", _l("Afwijzen"))],
                         validators=[InputRequired()])
    reden = StringField(_l("Reden (bij afwijzen)"), validators=[Optional(), Length(max=300)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.besluit.data == "afwijzen" and not (self.reden.data or "").strip():
            self.reden.errors.append(_l("Geef een reden waarom de stelling is afgewezen."))
            return False
        return ok


class StemForm(FlaskForm):
    stem = RadioField(_l("Uw antwoord"), choices=STEM_CHOICES, validators=[InputRequired()])


class AfsluitenForm(FlaskForm):
    """Only the CSRF token: ends the participation in this browser (a shared computer)."""


class StemcodeForm(FlaskForm):
    code = StringField(_l("Uw stemcode"), validators=[DataRequired(), Length(max=20)],
                       description=_l("De code staat op uw brief, bijvoorbeeld ABCD-EFGH-JKLM-NPQR."))


class StemcodesMakenForm(FlaskForm):
    aantal = IntegerField(_l("Aantal nieuwe stemcodes"), validators=[InputRequired(), NumberRange(1, 5000)])


class ProfielForm(FlaskForm):
    leeftijd = SelectField(_l("Uw leeftijd"), validators=[Optional()],
                           choices=[SelectChoice("", _l("Zeg ik liever niet"))]
                           + [SelectChoice(b, b.replace("+", " of ouder").replace("-", " tot en met ") + " jaar")
                              for b in LEEFTIJDEN])
    geslacht = SelectField(_l("Uw geslacht"), validators=[Optional()],
                           choices=[SelectChoice("", _l("Zeg ik liever niet")), SelectChoice("man", _l("Man")),
                                    SelectChoice("vrouw", _l("Vrouw"))])


class AnalyseForm(FlaskForm):
    min_votes = IntegerField(_l("Minimaal aantal stemmen per deelnemer"), default=7,
                             validators=[InputRequired(), NumberRange(1, 100)])
    max_groups = IntegerField(_l("Hoogstens zoveel opiniegroepen"), default=5,
                              validators=[InputRequired(), NumberRange(2, 5)])
    seed = IntegerField(_l("Startgetal (voor herhaalbaarheid)"), default=0,
                        validators=[InputRequired(), NumberRange(0, 2**31 - 1)])


class SessieForm(FlaskForm):
    soort = SelectField(_l("Soort"), choices=[SelectChoice(k.value, v) for k, v in SOORT_LABELS.items()])
    title = StringField(_l("Naam van de bijeenkomst of tafel"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Datum"), validators=[DataRequired()])
    voorstel = TextAreaField(_l("Het voorstel"), validators=[DataRequired()],
                             description=_l("Het voorstel zoals het aan de aanwezigen is voorgelegd en waarover is "
                                            "gestemd."))
    perspectieven = TextAreaField(_l("Perspectieven die naar voren kwamen"),
                                  description=_l("Ook de stemmen die minder luid klonken. De minderheidsstandpunten "
                                                 "zelf legt u na het opslaan vast, elk met hun redenen."))
    voor = IntegerField(_l("Stemmen voor"), default=0, validators=[InputRequired(), NumberRange(0, 100000)])
    tegen = IntegerField(_l("Stemmen tegen"), default=0, validators=[InputRequired(), NumberRange(0, 100000)])
    onthouding = IntegerField(_l("Onthoudingen"), default=0,
                              validators=[InputRequired(), NumberRange(0, 100000)],
                              description=_l("Voor, tegen en onthoudingen samen zijn de aanwezigen bij de stemming. "
                                             "Is er niet gestemd, laat dan alle drie op 0."))
    besluit = TextAreaField(_l("Wat is besloten?"),
                            description=_l("Bijvoorbeeld: het voorstel gaat mee in het plan, met de voorwaarden van "
                                           "de minderheid."))


class StandpuntForm(FlaskForm):
    title = StringField(_l("Het minderheidsstandpunt in één zin"), validators=[DataRequired(), Length(max=200)])
    redenen = TextAreaField(_l("De redenen, in hun eigen woorden"), validators=[DataRequired()])
    herkend_door = IntegerField(_l("Hoeveel aanwezigen herkennen zich hierin?"),
                                validators=[InputRequired(), NumberRange(0, 100000)],
                                description=_l("Vraag na de stemming wie zich (een beetje) herkent in dit nee, ook "
                                               "wie voor stemde, en tel de handen."))
    groep = SelectField(_l("Hoort bij opiniegroep"), validators=[Optional()],
                        description=_l("De opiniegroep uit de stellingen die dit standpunt deelt. Dan toont het "
                                       "verslag voor de raad ook hoe groot die groep is en welke stellingen haar "
                                       "kenmerken."))
    stellingen = CheckboxListField(_l("Stellingen die dit standpunt laten zien"), coerce=int,
                                   validators=[Optional()])


class VoorwaardeForm(FlaskForm):
    soort = SelectField(_l("Soort voorwaarde"),
                        choices=[SelectChoice(k.value, v) for k, v in VOORWAARDE_LABELS.items()])
    text = TextAreaField(_l("Wat is ervoor nodig om mee te gaan?"), validators=[DataRequired()])


class AfhandelingForm(FlaskForm):
    """What was done with a condition, and why; "nog open" again (a decision reopened) needs no reason."""

    afhandeling = SelectField(_l("Wat is ermee gedaan?"),
                              choices=[SelectChoice(k.value, v) for k, v in AFHANDELING_LABELS.items()])
    toelichting = TextAreaField(_l("Waarom?"))

    def validate_toelichting(self, field):
        if self.afhandeling.data != Afhandeling.OPEN.value and not (field.data or "").strip():
            raise ValidationError(_l("Leg uit waarom."))


class OpenbaarForm(FlaskForm):
    openbaar = BooleanField(_l("Het verslag is openbaar"))


class VerwijderForm(FlaskForm):
    """The confirmation page's form: a POST without ``bevestigd`` deletes nothing."""

    bevestigd = HiddenField(default="ja", validators=[InputRequired(), AnyOf(["ja"])])
