"""Page forms of the provider pages. WTForms renders them and checks CSRF (and that numbers, dates
and times are numbers, dates and times); the domain checks are the API schemas' (training.schemas),
run by `core.pages.submit`, so a page and the API accept the same input."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from core.forms import LocalisedChoices
from registry.models import Education
from training.models import LEVELS, CertificateKind, CourseMode

NUMERIC = {"inputmode": "numeric"}


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class CourseForm(FlaskForm):
    """Every field of a course (training.schemas.CourseIn) except the coordinates."""
    title = StringField(_l("Course title"), render_kw={"maxlength": 100})
    provider = StringField(_l("Provider (who teaches)"), render_kw={"maxlength": 128})
    skills_taught = StringField(_l("Skills taught (separate with 、 or commas)"))
    certificate = StringField(_l("Name of the certificate"), render_kw={"maxlength": 100})
    certificate_kind = LocalisedChoices(_l("Kind of certificate"), CertificateKind, blank=True)
    # Levels are data (the official names of the five levels), listed from the entry level up.
    certificate_level = SelectField(_l("Level (skill level certificate only)"), coerce=_int_or_none,
                                    validate_choice=False,
                                    choices=[SelectChoice("", "—")] + [SelectChoice(str(k), v) for k, v in
                                                                       sorted(LEVELS.items(), reverse=True)])
    mode = LocalisedChoices(_l("Form of the course"), CourseMode)
    description = TextAreaField(_l("About the course"), render_kw={"maxlength": 2000, "rows": 3})
    address = StringField(_l("Place (address)"), render_kw={"maxlength": 200})
    # Choices are the townships and villages on file (set by the view).
    area_code = SelectField(_l("Township or village"), choices=[], default="")
    capacity = IntegerField(_l("Seats"), validators=[Optional()], render_kw=NUMERIC)
    rolling_admission = BooleanField(_l("People may join after the start (插班)"))
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    fee = IntegerField(_l("Fee (yuan)"), validators=[Optional()], render_kw=NUMERIC)
    fee_waived = BooleanField(_l("Fee waived for trainees"))
    subsidy_per_day = IntegerField(_l("Subsidy per attended day (yuan)"), validators=[Optional()], render_kw=NUMERIC)
    # The service refuses an employer that does not exist; the choices are the verified ones.
    employer_id = SelectField(_l("Ordered by employer (订单式, optional)"), coerce=_int_or_none,
                              validate_choice=False, choices=[])
    hire_commitment = IntegerField(_l("Completers the employer will hire"), validators=[Optional()],
                                   render_kw=NUMERIC)
    min_age = IntegerField(_l("Youngest age"), validators=[Optional()], render_kw=NUMERIC)
    max_age = IntegerField(_l("Oldest age"), validators=[Optional()], render_kw=NUMERIC)
    min_education = LocalisedChoices(_l("Minimum education"), Education, blank=True)
    completion_threshold = IntegerField(_l("Attendance needed to pass (%)"), validators=[Optional()],
                                        render_kw=NUMERIC)


class SessionForm(FlaskForm):
    day = DateField(_l("Day"), validators=[Optional()])
    starts_at = TimeField(_l("From"), validators=[Optional()])
    ends_at = TimeField(_l("To"), validators=[Optional()])
    place = StringField(_l("Place"), render_kw={"maxlength": 200})
    topic = StringField(_l("Topic"), render_kw={"maxlength": 100})


class AttendanceForm(FlaskForm):
    """CSRF only: the ticked boxes are read with request.form.getlist("present")."""


class ResultsForm(FlaskForm):
    """CSRF only: each person's scores and outcome are read by enrolment id from request.form."""
