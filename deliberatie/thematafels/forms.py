from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from .models import EventKind, Side

KIND_LABELS = {
    EventKind.BURGERTOP: _l("Burgertop (G1000)"),
    EventKind.BEGROTINGSDIALOOG: _l("Begrotingsdialoog"),
    EventKind.KLIMAATTAFEL: _l("Klimaattafel"),
    EventKind.WIJKWANDELING: _l("Wijkwandeling"),
    EventKind.ANDERS: _l("Andere bijeenkomst"),
}
GESLACHT = (("man", _l("Man")), ("vrouw", _l("Vrouw")))
LEEFTIJD = ("15-24", "25-44", "45-64", "65+")  # the CBS bands statistiek compares with
MAX_TABLES_PER_THEME = 50


def parse_themes(text: str):
    """Lines "Naam" or "Naam | aantal tafels" -> [(name, tables)]; raises ValueError with a line number."""
    themes = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _, count = line.partition("|")
        name = name.strip()
        try:
            tables = int(count) if count.strip() else 1
        except ValueError:
            raise ValueError(number) from None
        if not name or len(name) > 120 or not 1 <= tables <= MAX_TABLES_PER_THEME:
            raise ValueError(number)
        if name.lower() in {n.lower() for n, _t in themes}:
            raise ValueError(number)
        themes.append((name, tables))
    return themes


class EventForm(FlaskForm):
    kind = SelectField(_l("Soort bijeenkomst"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()])
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Beschrijving"), validators=[Optional()])
    held_on = DateField(_l("Datum"), validators=[DataRequired()])
    place = StringField(_l("Plaats"), validators=[DataRequired(), Length(max=200)])
    themes = TextAreaField(
        _l("Thema's"), validators=[DataRequired()],
        description=_l("Eén thema per regel. Meer tafels bij een thema? Schrijf: Groen | 3"))
    capacity = IntegerField(_l("Plaatsen per tafel"), default=8, validators=[DataRequired(), NumberRange(2, 40)])

    def validate_themes(self, field):
        try:
            field.parsed = parse_themes(field.data)
        except ValueError as error:
            raise ValidationError(_l("Regel %(line)s klopt niet. Schrijf: naam | aantal tafels (1 tot 50), "
                                     "elk thema één keer.", line=error.args[0])) from None
        if not field.parsed:
            raise ValidationError(_l("Vul minstens één thema in."))


class VoorzitterForm(FlaskForm):
    tafel = SelectField(_l("Tafel"), coerce=int)
    email = StringField(_l("E-mailadres van de tafelvoorzitter"), validators=[DataRequired(), Email(check_deliverability=False)])


class SignupForm(FlaskForm):
    name = StringField(_l("Uw naam (voor de tafellijst)"), validators=[DataRequired(), Length(max=120)])
    first = SelectField(_l("Eerste keus"), coerce=int, validators=[DataRequired()])
    second = SelectField(_l("Tweede keus (mag leeg)"), coerce=lambda v: int(v) if v else None,
                         validators=[Optional()])
    geslacht = SelectField(_l("Geslacht (mag leeg)"), validators=[Optional()],
                           choices=[SelectChoice("", _l("Zeg ik liever niet"))] + [SelectChoice(v, l) for v, l in GESLACHT])
    leeftijd = SelectField(_l("Leeftijd (mag leeg)"), validators=[Optional()],
                           choices=[SelectChoice("", _l("Zeg ik liever niet"))] + [SelectChoice(v, v) for v in LEEFTIJD])
    wijk = SelectField(_l("Wijk (mag leeg)"), validators=[Optional()])

    def validate_second(self, field):
        if field.data and field.data == self.first.data:
            raise ValidationError(_l("Kies bij de tweede keus een ander thema."))

    def fill_choices(self, event, wijken):
        themes = [SelectChoice(t.id, t.name) for t in event.themas]
        self.first.choices = themes
        self.second.choices = [SelectChoice("", _l("Geen tweede keus"))] + themes
        self.wijk.choices = [SelectChoice("", _l("Zeg ik liever niet"))] + [SelectChoice(w.name, w.name) for w in wijken]
        return self


class SeatForm(FlaskForm):
    seed = IntegerField(_l("Startgetal voor de loting (mag leeg)"), validators=[Optional(), NumberRange(0, 2**32 - 1)],
                        description=_l("Met hetzelfde startgetal komt dezelfde indeling uit. Leeg: een nieuw getal."))


class ConfirmForm(FlaskForm):
    pass


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Notitie"), validators=[DataRequired(), Length(max=5000)])


class IdeaForm(FlaskForm):
    title = StringField(_l("Idee"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Toelichting (mag leeg)"), validators=[Optional(), Length(max=5000)])


class ArgumentForm(FlaskForm):
    side = RadioField(_l("Soort argument"), default=Side.VOOR.value,
                      choices=[SelectChoice(Side.VOOR.value, _l("Voor")), SelectChoice(Side.TEGEN.value, _l("Tegen"))])
    text = TextAreaField(_l("Argument"), validators=[DataRequired(), Length(max=2000)])


class VoteForm(FlaskForm):
    votes = IntegerField(_l("Aantal stippen"),
                         validators=[InputRequired(_l("Vul een aantal in (0 of meer).")), NumberRange(0, 10000)])
    dissent = TextAreaField(_l("Minderheidsstandpunt aan tafel (mag leeg)"), validators=[Optional(), Length(max=5000)],
                            description=_l("Wie was het er niet mee eens, waarom, en wat zou hen meenemen?"))


def plenary_form(ideas):
    """A form with one vote count per idea, named votes-<id>."""

    class PlenaryForm(FlaskForm):
        pass

    for idee in ideas:
        setattr(PlenaryForm, f"votes_{idee.id}",
                IntegerField(idee.title, default=idee.plenary_votes, validators=[Optional(), NumberRange(0, 100000)]))
    return PlenaryForm()
