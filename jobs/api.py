"""Jobs endpoints of the JSON API: employers, postings, candidates, referrals, follow-ups.

Thin: parse, call a service (jobs.services, jobs.referral_lifecycle), commit once, answer."""
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from jobs import hiring, referral_lifecycle, services, verification
from jobs.models import ReferralStatus
from jobs.schemas import (
    BulkHireIn,
    ContactOut,
    EmployerIn,
    EmployerList,
    EmployerListArgs,
    EmployerOut,
    FollowUpIn,
    FollowUpOut,
    JobIn,
    JobList,
    JobListArgs,
    JobOut,
    JobPatch,
    ReferralChange,
    ReferralIn,
    ReferralList,
    ReferralListArgs,
    ReferralOut,
    RefusalIn,
    RenewalIn,
    StableEmploymentOut,
)

employers = Blueprint("employers_api", __name__, url_prefix="/api/v1/employers", description="Employers")
jobs = Blueprint("jobs_api", __name__, url_prefix="/api/v1/jobs", description="Job postings")
referrals = Blueprint("referrals_api", __name__, url_prefix="/api/v1/referrals", description="Referrals and hires")
follow_ups = Blueprint("follow_ups_api", __name__, url_prefix="/api/v1/follow-ups",
                       description="Follow-ups after a hire")
blueprints = (employers, jobs, referrals, follow_ups)


@employers.post("")
@api_roles(*roles.JOB_POSTERS)
@employers.arguments(EmployerIn)
@employers.response(201, EmployerOut)
def create_employer(data):
    """Officers' registrations are verified at once; an employer account's waits for an officer."""
    employer = services.create_employer(db.session, data, acting_user())
    db.session.commit()
    return employer


@employers.get("")
@api_roles(*roles.STAFF)
@employers.arguments(EmployerListArgs, location="query")
@employers.response(200, EmployerList)
def list_employers(args):
    items, total = services.list_employers(db.session, **args)
    return {"items": items, "total": total}


@employers.get("/<int:employer_id>")
@api_roles()
@employers.response(200, EmployerOut)
def get_employer(employer_id):
    return services.get_employer(db.session, employer_id)


@employers.post("/<int:employer_id>/verify")
@api_roles(*roles.OFFICERS)
@employers.response(200, EmployerOut)
def verify_employer(employer_id):
    employer = services.verify_employer(db.session, services.get_employer(db.session, employer_id), acting_user())
    db.session.commit()
    return employer


@employers.post("/<int:employer_id>/refuse")
@api_roles(*roles.OFFICERS)
@employers.arguments(RefusalIn)
@employers.response(200, EmployerOut)
def refuse_employer(data, employer_id):
    """Not verified, and why: the employer reads the reason; a later verification clears it."""
    employer = verification.refuse_employer(db.session, services.get_employer(db.session, employer_id),
                                            data["reason"], acting_user())
    db.session.commit()
    return employer


@employers.get("/<int:employer_id>/stable-employment")
@api_roles(*roles.HIRING)
@employers.response(200, StableEmploymentOut(many=True))
def employer_stability(employer_id):
    """Of the hires followed up at 1, 3 and 6 months, the share still in work."""
    services.get_employer(db.session, employer_id)
    return referral_lifecycle.stable_employment(db.session, employer_id=employer_id)


@jobs.post("")
@api_roles(*roles.JOB_POSTERS)
@jobs.arguments(JobIn)
@jobs.response(201, JobOut)
def create_job(data):
    job = services.create_job(db.session, data, acting_user())
    db.session.commit()
    return job


@jobs.get("")
@api_roles()
@jobs.arguments(JobListArgs, location="query")
@jobs.response(200, JobList)
def list_jobs(args):
    items, total = services.list_jobs(db.session, acting_user(), **args)
    return {"items": items, "total": total}


@jobs.get("/<int:job_id>")
@api_roles()
@jobs.response(200, JobOut)
def get_job(job_id):
    return services.get_job(db.session, job_id, acting_user())


@jobs.patch("/<int:job_id>")
@api_roles(*roles.JOB_POSTERS)
@jobs.arguments(JobPatch(partial=True))
@jobs.response(200, JobOut)
def patch_job(data, job_id):
    job = services.update_job(db.session, services.get_job(db.session, job_id, acting_user()), data, acting_user())
    db.session.commit()
    return job


@jobs.post("/<int:job_id>/close")
@api_roles(*roles.JOB_POSTERS)
@jobs.response(200, JobOut)
def close_job(job_id):
    job = services.close_job(db.session, services.get_job(db.session, job_id, acting_user()), acting_user())
    db.session.commit()
    return job


@jobs.post("/<int:job_id>/reopen")
@api_roles(*roles.JOB_POSTERS)
@jobs.response(200, JobOut)
def reopen_job(job_id):
    """A closed posting takes people again; 409 when it has expired or every opening is filled."""
    job = services.reopen_job(db.session, services.get_job(db.session, job_id, acting_user()), acting_user())
    db.session.commit()
    return job


@jobs.post("/<int:job_id>/hires")
@api_roles(*roles.HIRING)
@jobs.arguments(BulkHireIn)
@jobs.response(200, ReferralOut(many=True))
def hire_several(data, job_id):
    """Hires several people of the posting on one day, each checked as a single hire; all or none."""
    actor = acting_user()
    job = services.get_job(db.session, job_id, actor)
    hired = hiring.hire_several(db.session, job, data["referral_ids"], actor, data.get("hired_on"))
    db.session.commit()
    return hired


@jobs.get("/<int:job_id>/stable-employment")
@api_roles(*roles.HIRING)
@jobs.response(200, StableEmploymentOut(many=True))
def job_stability(job_id):
    services.get_job(db.session, job_id, acting_user())
    return referral_lifecycle.stable_employment(db.session, job_id=job_id)


@referrals.post("")
@api_roles(*(roles.HIRING | roles.WORKER_FILE))  # those who hire, and a worker for themself
@referrals.arguments(ReferralIn)
@referrals.response(201, ReferralOut)
def create_referral(data):
    """A station refers, an employer invites, a worker applies (for themself)."""
    referral = referral_lifecycle.create_referral(db.session, data["worker_id"], data["job_id"], acting_user(),
                                                  data.get("note"), override_reason=data.get("override_reason"))
    db.session.commit()
    return referral


@referrals.get("")
@api_roles()
@referrals.arguments(ReferralListArgs, location="query")
@referrals.response(200, ReferralList)
def list_referrals(args):
    items, total = referral_lifecycle.list_referrals(db.session, acting_user(), **args)
    return {"items": items, "total": total}


@referrals.get("/<int:referral_id>")
@api_roles()
@referrals.response(200, ReferralOut)
def get_referral(referral_id):
    return referral_lifecycle.get_referral(db.session, referral_id, acting_user())


@referrals.patch("/<int:referral_id>")
@api_roles()
@referrals.arguments(ReferralChange)
@referrals.response(200, ReferralOut)
def patch_referral(data, referral_id):
    """interviewing / hired (`hired_on`) / rejected (with a reason) / left (`left_on`, `leave_reason`
    required). 409 when hiring beyond the openings or hiring someone who already holds a job; a hire
    sets the person's employment, leaving clears it. A hire or a departure may be undone for a day."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    status = data["status"]
    referral_lifecycle.change_referral(db.session, referral, status, actor, data.get("reason"), data.get("leave_reason"),
                                       on=data.get("left_on") if status is ReferralStatus.left else data.get("hired_on"))
    db.session.commit()
    return referral


@referrals.post("/<int:referral_id>/undo")
@api_roles(*roles.HIRING)
@referrals.response(200, ReferralOut)
def undo_referral(referral_id):
    """Takes back a hire or a departure of the last 24 hours (the employer of the posting, the
    station of the person's village, an administrator); later, or nothing to undo: 409."""
    actor = acting_user()
    referral = hiring.undo_change(db.session, referral_lifecycle.get_referral(db.session, referral_id, actor), actor)
    db.session.commit()
    return referral


@referrals.delete("/<int:referral_id>")
@api_roles(*roles.REFERRAL_MAKERS)
@referrals.response(204)
def withdraw_referral(referral_id):
    """Withdraws a referral made by mistake (撤回): by whoever made it, within a day and before the
    employer answered; otherwise 409. It is gone from every list; the audit log keeps it."""
    actor = acting_user()
    hiring.withdraw_referral(db.session, referral_lifecycle.get_referral(db.session, referral_id, actor), actor)
    db.session.commit()
    return ""


@referrals.post("/<int:referral_id>/contact")
@api_roles(*roles.HIRING)
@referrals.response(200, ContactOut)
def referral_contact(referral_id):
    """The name and full phone of a person put forward to the employer's posting, while the referral
    is open; for that employer only, and audited."""
    actor = acting_user()
    contact = hiring.reveal_contact(db.session, referral_lifecycle.get_referral(db.session, referral_id, actor), actor)
    db.session.commit()
    return contact


@referrals.post("/<int:referral_id>/renewal")
@api_roles(*roles.REGISTRY_KEEPERS)
@referrals.arguments(RenewalIn)
@referrals.response(200, ReferralOut)
def renew_post(data, referral_id):
    """Renew a public-welfare post (续聘) until a later day."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    referral_lifecycle.renew_welfare_post(db.session, referral, data["until"], actor)
    db.session.commit()
    return referral


@follow_ups.post("/<int:follow_up_id>")
@api_roles(*roles.FOLLOW_UP_RECORDERS)
@follow_ups.arguments(FollowUpIn)
@follow_ups.response(200, FollowUpOut)
def record_follow_up(data, follow_up_id):
    actor = acting_user()
    follow_up = referral_lifecycle.get_follow_up(db.session, follow_up_id, actor)
    referral_lifecycle.record_follow_up(db.session, follow_up, data, actor)
    db.session.commit()
    return follow_up
