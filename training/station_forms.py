"""Page forms of the station's training pages. WTForms renders them and checks CSRF; the domain
checks are the API schemas' (training.schemas), run by `core.pages.submit`, so a page and the API
refuse the same things."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.widgets import HiddenInput

from core.forms import LocalisedChoices
from training.models import CourseMode


class EnrolWorkerForm(FlaskForm):
    """One button per person: enrol this worker in this course."""
    # Sent hidden, but a StringField so that `core.pages.submit` puts the service's refusal on it.
    worker_id = StringField(_l("Worker"), widget=HiddenInput())
    q = HiddenField()  # the search the button was pressed from, shown again afterwards
    next = HiddenField()  # the page to go back to (a worker's training page)


class WishForm(FlaskForm):
    """The needs survey: a skill the person would like to learn, and how."""
    name = StringField(_l("Skill to learn"), render_kw={"maxlength": 100, "placeholder": _l("e.g. 焊工, 育婴员")})
    mode = LocalisedChoices(_l("Preferred form"), CourseMode, blank=True)
