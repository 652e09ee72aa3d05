"""Page forms for handling an alert. The API's schemas check the content (monitoring.schemas,
through `core.pages.submit`); these render the fields and carry the CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from monitoring.models import ActionKind


class AcknowledgeForm(FlaskForm):
    """"I am on it": a button."""


class ActionForm(FlaskForm):
    kind = SelectField(_l("What was done"), choices=[], validate_choice=False)  # the schema checks it
    note = TextAreaField(_l("Note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.name, k.label) for k in ActionKind]


class CloseForm(FlaskForm):
    note = TextAreaField(_l("Outcome of the help given"))
