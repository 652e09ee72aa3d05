"""Page forms for handling an alert and for the household file. The API's schemas check the content (monitoring.schemas,
through `core.pages.submit`); these render the fields and carry the CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from core.forms import LocalisedCheckboxes
from monitoring.models import ActionKind
from registry.models import HelperRole, MeasureKind, MonitoringStatus, RiskType


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


# --- the household file ----------------------------------------------------------------------------

def _choices(enum_cls, but=()):
    return [SelectChoice(m.name, m.label) for m in enum_cls if m not in but]


class MonitoringForm(FlaskForm):
    """Put a household under monitoring, or change its type and risks (monitoring.schemas.MonitoringIn)."""
    status = SelectField(_l("Monitoring type"), choices=[], validate_choice=False)
    risk_types = LocalisedCheckboxes(_l("Risk types"), RiskType)
    reason = TextAreaField(_l("Reason"), render_kw={"required": True, "rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = _choices(MonitoringStatus, but=(MonitoringStatus.none,))


class MeasureForm(FlaskForm):
    """A help measure given to the household (monitoring.schemas.MeasureIn)."""
    kind = SelectField(_l("Kind of help"), choices=[], validate_choice=False)
    date = DateField(_l("Date"), validators=[Optional()], render_kw={"required": True})
    description = TextAreaField(_l("What was done"), render_kw={"required": True, "rows": 2})
    helper_name = StringField(_l("By whom"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(MeasureKind)


class HelperRowForm(Form):
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    name = StringField(_l("Name"))
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel"})
    user_id = SelectField(_l("Account"), choices=[], validate_choice=False)


class HelpersForm(FlaskForm):
    """The 5+N team: rows left without a name are dropped."""
    rows = FieldList(FormField(HelperRowForm), min_entries=6)

    def fill_choices(self, accounts) -> None:
        for row in self.rows:
            row.form.role.choices = _choices(HelperRole)
            row.form.user_id.choices = [SelectChoice("", _l("no account"))] + [
                SelectChoice(str(u.id), u.display_name or u.username) for u in accounts]

    def helpers(self) -> list[dict]:
        """The rows as the API's body (monitoring.schemas.HelperIn, many)."""
        return [{"role": row.form.role.data, "name": row.form.name.data.strip(),
                 "phone": (row.form.phone.data or "").strip() or None,
                 "user_id": int(row.form.user_id.data) if row.form.user_id.data else None}
                for row in self.rows if (row.form.name.data or "").strip()]


class EliminationForm(FlaskForm):
    """Propose ending the household's monitoring (风险消除)."""
    reason = TextAreaField(_l("Why the risk is gone"), render_kw={"required": True, "rows": 2})


class DecisionForm(FlaskForm):
    """The county's decision on a proposed risk elimination."""
    approved = SelectField(_l("Decision"), choices=[SelectChoice("1", _l("Approve")), SelectChoice("0", _l("Refuse"))])
    reason = TextAreaField(_l("Reason"), render_kw={"required": True, "rows": 2})


class IncomeForm(FlaskForm):
    """The yearly income check of a household (yuan); the schema (registry.schemas.IncomeIn) and the
    service check it."""
    year = IntegerField(_l("Year"), validators=[Optional()], render_kw={"required": True, "inputmode": "numeric"})
    wage_income = IntegerField(_l("Wage income"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    business_income = IntegerField(_l("Business income (farming, trade)"), validators=[Optional()],
                                   render_kw={"inputmode": "numeric"})
    property_income = IntegerField(_l("Property income (rent, dividends)"), validators=[Optional()],
                                   render_kw={"inputmode": "numeric"})
    transfer_income = IntegerField(_l("Transfer income (pensions, subsidies)"), validators=[Optional()],
                                   render_kw={"inputmode": "numeric"})
    business_costs = IntegerField(_l("Business costs"), validators=[Optional()], render_kw={"inputmode": "numeric"})
