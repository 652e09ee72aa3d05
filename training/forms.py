"""Page forms of the trainee pages, and the provider's course form with the order's posting and the
teacher. WTForms renders them and checks CSRF; the domain checks are the API schemas'
(training.schemas), run by `core.pages.submit`, so a page and the API accept the same input."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from core.forms import LocalisedChoices
from training.models import CourseMode
from training.provider_forms import CourseForm, _int_or_none

STARS = (1, 2, 3, 4, 5)


class RatingForm(FlaskForm):
    """1–5 stars and a comment, for a completed course. The value is checked by RatingIn."""
    rating = RadioField(_l("Your rating"), choices=[SelectChoice(str(n), str(n)) for n in STARS],
                        validate_choice=False)
    comment = TextAreaField(_l("What was good, what could be better (optional)"), render_kw={"maxlength": 500,
                                                                                         "rows": 2})


class WishForm(FlaskForm):
    """The needs survey, said by the worker: a skill in their own words and how they could attend."""
    name = StringField(_l("What I want to learn"), render_kw={"maxlength": 100, "autocomplete": "off",
                                                                "placeholder": _l("e.g. welding, forklift, elderly care")})
    mode = LocalisedChoices(_l("How I could attend"), CourseMode, blank=True)


class WithdrawForm(FlaskForm):
    """A withdraw button; `next` is the page to come back to."""
    next = HiddenField()


class CourseOrderForm(CourseForm):
    """Every field of a course (CourseForm), with the posting an employer ordered it for (订单式:
    its graduates are referred to it on passing) and who teaches. Choices are set by the view."""
    job_id = SelectField(_l("Posting that takes the graduates (optional)"), coerce=_int_or_none,
                         validate_choice=False, choices=[])
    teacher_id = SelectField(_l("Teacher: a local expert or leader on file"), coerce=_int_or_none,
                             validate_choice=False, choices=[])
    teacher_name = StringField(_l("Or the teacher's name"), render_kw={"maxlength": 32})
