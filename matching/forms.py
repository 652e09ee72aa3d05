"""Page forms of the matcher. WTForms renders them and checks CSRF on what writes (a referral, a
plan's referrals); the two look-ups (an area to plan, a posting to explain) are GET forms without
a token, like the other filters of the site. The forms that write carry no rules of their own:
what they send goes through the API's schema (jobs.schemas.ReferralIn, PlanReferralsIn) and the
service (core.pages.submit), which decides what may be referred. The look-ups, which have no
schema, keep theirs."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import NumberRange, Optional

from core.forms import id_or_none


class ReferJobForm(FlaskForm):
    """One button per recommended posting: refer the person to it (asked once more first)."""
    job_id = HiddenField()
    confirm = HiddenField()


class ReferCandidateForm(FlaskForm):
    """From a posting's candidates: one button per person (a station is asked once more first)."""
    worker_id = HiddenField()
    confirm = HiddenField()


class WhyNotForm(FlaskForm):
    """"Why not this job?": any open posting (choices set by the view), sent by GET."""
    class Meta:
        csrf = False

    job = SelectField(_l("Posting"), coerce=id_or_none, choices=[], validate_choice=False)


class AreaForm(FlaskForm):
    """The area to plan for: one of the user's villages, townships (or counties), and the least
    fit a pair must have to be offered, in per cent (matching.services.MIN_SCORE unless given);
    sent by GET."""
    class Meta:
        csrf = False

    area = SelectField(_l("Area"), choices=[], validate_choice=False)
    min_score = IntegerField(_l("Minimum fit (%)"), validators=[Optional(), NumberRange(0, 100)])


class PlanReferForm(FlaskForm):
    """"Refer all ticked": the area planned and the ticked pairs, each `worker_id-job_id`. The
    checkboxes sit in the plan's table, tied to this form by their `form` attribute."""
    area = HiddenField()
    min_score = HiddenField()  # the per cent the plan was made with, so a refusal shows the same plan
    pair = SelectMultipleField(choices=[], validate_choice=False)
