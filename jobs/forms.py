"""Page forms of the jobs package. WTForms renders them and checks CSRF (and that numbers and
dates are numbers and dates); the rules are the API schemas' (jobs.schemas), which core.pages.submit
runs, so a page and the API accept exactly the same input. A field the schema requires is marked
`required` for the browser only (the sign-up's password too: its rules are the sign-up schema's)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from core.forms import LocalisedChoices, MultiCheckboxField, id_or_none
from jobs.models import EmployerKind, LeaveReason, PhysicalDemand, WageUnit


class EmployerForm(FlaskForm):
    """The employer itself: what an account without an employer fills in, and the first half of
    the public sign-up."""
    name = StringField(_l("Employer name"))
    uscc = StringField(_l("Unified social credit code"), render_kw={"autocapitalize": "characters",
                                                                     "autocomplete": "off"})
    kind = LocalisedChoices(_l("Kind of employer"), EmployerKind)
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Contact phone"), render_kw={"inputmode": "tel"})
    address = StringField(_l("Address"))
    # Choices are the counties and townships on file (set by the view): a code outside them is
    # refused here, before it reaches the database.
    area_code = SelectField(_l("County or township (optional)"), choices=[], default="")


class EmployerSignUpForm(EmployerForm):
    """The account's name is the credit code: employers sign in with it. The password's rules are
    the sign-up schema's (jobs.schemas.EmployerSignUpIn), so every problem shows at once."""
    area_code = SelectField(_l("County or township"), choices=[], default="", render_kw={"required": True})
    password = PasswordField(_l("Password (at least 8 characters)"),
                             render_kw={"autocomplete": "new-password", "required": True})
    confirm = PasswordField(_l("Password again"), render_kw={"autocomplete": "new-password", "required": True})


class JobForm(FlaskForm):
    employer_id = SelectField(_l("Employer"), coerce=int, choices=[])
    title = StringField(_l("Job title"))
    description = TextAreaField(_l("Description"))
    required_skills = StringField(_l("Required skills (separate with 、 or commas)"))
    openings = IntegerField(_l("Openings"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    wage_min = IntegerField(_l("Lowest wage"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    wage_max = IntegerField(_l("Highest wage"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    wage_unit = LocalisedChoices(_l("Wage unit"), WageUnit)
    address = StringField(_l("Place of work (address)"))
    area_code = SelectField(_l("County or township (optional)"), choices=[], default="")
    labour_intensive = BooleanField(_l("Labour-intensive (many hands, little training)"))
    workshop = BooleanField(_l("Employment-assistance workshop (就业帮扶车间)"))
    public_welfare = BooleanField(_l("Public-welfare post (公益性岗位)"))
    accommodation = BooleanField(_l("Accommodation provided"))
    meals = BooleanField(_l("Meals provided"))
    flexible_hours = BooleanField(_l("Flexible hours"))
    shift = StringField(_l("Working hours or shifts"))
    min_age = IntegerField(_l("Youngest age"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    max_age = IntegerField(_l("Oldest age"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    physical_demand = LocalisedChoices(_l("Physical demand"), PhysicalDemand)
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    expires_on = DateField(_l("Posting expires on"), validators=[Optional()])
    # 以工代训: the schema requires the months when the box is ticked
    trains_on_job = BooleanField(_l("Trains on the job (以工代训): people without the skills are taught by a mentor"))
    training_months = IntegerField(_l("Months of training"), validators=[Optional()],
                                   render_kw={"inputmode": "numeric", "min": 1, "max": 24})
    mentor_name = StringField(_l("Mentor (师傅)"), render_kw={"maxlength": 32})


class AnswerForm(FlaskForm):
    """An answer to a referral: the button pressed gives the status (interviewing, hired,
    rejected, left); a rejection carries a reason. A hire or a departure is asked again first
    (`confirm` is set by the confirmation step), with its day and, for a departure, its reason."""
    status = HiddenField()
    reason = StringField(_l("Reason"), render_kw={"maxlength": 500})
    leave_reason = LocalisedChoices(_l("Why they left"), LeaveReason, blank=True)
    hired_on = DateField(_l("Hired on"), validators=[Optional()])
    left_on = DateField(_l("Left on"), validators=[Optional()])
    confirm = HiddenField()
    next = HiddenField()


class BulkHireForm(FlaskForm):
    """Several people of one posting hired on one day (the rules: jobs.schemas.BulkHireConfirmedIn)."""
    referral_ids = MultiCheckboxField(_l("People to hire"), coerce=int, choices=[], validate_choice=False)
    hired_on = DateField(_l("Hired on"), validators=[Optional()])
    confirm = BooleanField(_l("Yes, hire everyone ticked"))


class ReferWorkerForm(FlaskForm):
    """From a worker's referrals page: the station picks an open posting."""
    # The service decides whether the posting may take this person; a stale choice is its to refuse.
    job_id = SelectField(_l("Posting"), coerce=id_or_none, choices=[], validate_choice=False,
                         render_kw={"required": True})
    note = StringField(_l("Note for the employer (optional)"), render_kw={"maxlength": 500})
    override_reason = TextAreaField(_l("Why refer anyway (only when the person breaks one of the posting's rules)"),
                                    render_kw={"maxlength": 500, "rows": 2})
    confirm = HiddenField()  # set by the question "refer X to Y?" (jobs/refer_confirm.html)


class RenewalForm(FlaskForm):
    """续聘: a public-welfare post held a further term."""
    until = DateField(_l("Renew until"), validators=[Optional()], render_kw={"required": True})


class FollowUpForm(FlaskForm):
    still_employed = RadioField(_l("Still working there?"), choices=[SelectChoice("1", _l("yes")),
                                                                    SelectChoice("0", _l("no"))],
                                validate_choice=False)
    wage = IntegerField(_l("Monthly wage now (yuan)"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    problems = StringField(_l("Problems"), render_kw={"maxlength": 500})
    leave_reason = LocalisedChoices(_l("If not: why they left"), LeaveReason, blank=True)


class RefusalForm(FlaskForm):
    """An officer's reason for not verifying an employer (jobs.schemas.RefusalIn)."""
    reason = TextAreaField(_l("Why it is not verified"), render_kw={"required": True, "rows": 2})
