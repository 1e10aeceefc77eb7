from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import Length, ValidationError


class PopulationImportForm(FlaskForm):
    file = FileField(_l("CSV-bestand met bevolkingscijfers"),
                     description=_l("Kolommen: wijk, variable, category, count en base, gescheiden door "
                                    "komma’s. De cijfers van elke wijk in het bestand vervangen de "
                                    "huidige cijfers van die wijk."))


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class WeightingForm(FlaskForm):
    """Sent with GET: weighting changes nothing, and the address can be shared."""

    class Meta:
        csrf = False

    variables = CheckboxListField(_l("Weeg op deze kenmerken"))
    cap = StringField(_l("Grens voor gewichten (optioneel)"), validators=[Length(max=20)],
                      description=_l("Geen enkel gewicht wordt groter dan dit veelvoud van het gemiddelde "
                                      "gewicht, bijvoorbeeld 5. Leeg: geen grens."))

    def validate_cap(self, field):
        text = (field.data or "").strip().replace(",", ".")
        if not text:
            field.value = None
            return
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(_l("Vul een getal in, bijvoorbeeld 5 of 2,5.")) from None
        if not value >= 1 or value != value or value == float("inf"):
            raise ValidationError(_l("Kies een grens van minstens 1: het gemiddelde gewicht is 1."))
        field.value = value
