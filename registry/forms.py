"""Page forms. WTForms renders them, checks CSRF and parses the boxes (a number, a decimal); the
rules are the API schemas' (registry.schemas), run through `core.pages.submit`, so a page and the
API accept exactly the same input. `required` in `render_kw` only lets the browser mark the box.
The import form has no schema: its validators are its rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from core.forms import LocalisedCheckboxes, LocalisedChoices
from registry.models import (
    Education,
    EmploymentStatus,
    Health,
    LabourAbility,
    MonitoringStatus,
    Relation,
    RiskType,
    SchoolStage,
)


class HouseholdForm(FlaskForm):
    code = StringField(_l("Household code"), render_kw={"required": True})
    village_code = SelectField(_l("Village"), choices=[], render_kw={"required": True})
    monitoring_status = LocalisedChoices(_l("Monitoring status"), MonitoringStatus)
    monitoring_since = DateField(_l("Under monitoring since (when it began before today)"), validators=[Optional()])
    risk_types = LocalisedCheckboxes(_l("Risk types"), RiskType)
    lifted_out = BooleanField(_l("Lifted out of poverty (脱贫户)"))
    relocated = BooleanField(_l("Relocated household (易地搬迁)"))
    resettlement_site = StringField(_l("Resettlement site"))
    resettlement_area_code = SelectField(_l("Where the resettlement site is (its members are matched from there)"),
                                         choices=[], default="", validate_choice=False)  # the schema checks it
    helper_name = StringField(_l("Responsible helper (帮扶责任人)"))
    helper_id = SelectField(_l("Helper's account (receives the early warnings)"), choices=[],
                            coerce=lambda v: int(v) if v not in (None, "", "None") else None, validate_choice=False)
    address = StringField(_l("Address"))


class WorkerForm(FlaskForm):
    household_code = StringField(_l("Household code"), render_kw={"required": True})
    name = StringField(_l("Name"), render_kw={"required": True})
    id_number = StringField(_l("Resident ID number"), render_kw={"required": True})
    phone = StringField(_l("Phone"))
    relation = LocalisedChoices(_l("Relation to the head of household"), Relation, blank=True)
    education = LocalisedChoices(_l("Education"), Education, blank=True)
    school_stage = LocalisedChoices(_l("At school"), SchoolStage)
    health = LocalisedChoices(_l("Health"), Health)
    labour_ability = LocalisedChoices(_l("Labour ability"), LabourAbility)
    employment_status = LocalisedChoices(_l("Employment status"), EmploymentStatus)
    skills = TextAreaField(_l("Skills (separate with 、 or commas)"))
    desired_occupations = StringField(_l("Desired occupations"))
    expected_wage = IntegerField(_l("Expected monthly wage (yuan)"), validators=[Optional()])
    max_commute_km = IntegerField(_l("Longest commute (km)"), validators=[Optional()])
    willing_to_migrate = BooleanField(_l("Willing to work away from home"))
    needs_flexible_hours = BooleanField(_l("Needs flexible hours (care duties)"))
    lat = DecimalField(_l("Latitude"), validators=[Optional()], places=6)
    lon = DecimalField(_l("Longitude"), validators=[Optional()], places=6)


class EditWorkerForm(WorkerForm):
    """The ID number is who the person is: it is not edited."""
    id_number = None


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=[
        SelectChoice("workers", _l("Workers")), SelectChoice("households", _l("Households")),
        SelectChoice("incomes", _l("Household incomes (the yearly income check)"))])
    file = FileField(_l("File (.xlsx or .csv)"), validators=[FileRequired(), FileAllowed(["xlsx", "csv"])])
