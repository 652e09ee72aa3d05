"""Job postings domain logic: employers, their verification, postings, and what an employer may
see of a person. Referrals and hiring live in jobs/referral_lifecycle.py, the hard rules of a
person–posting pair in jobs/rules.py and, said in words, in jobs/eligibility.py.

The jobs package's entry: other packages use its logic through this module only. What they use of
its parts is named just below (the matcher compiles `rules` into its kernel).

Plain functions taking a session and the acting user; they flush, the caller commits.
"""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core import crypto
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Role, User, china_today, utcnow
from core.scoping import within_clause
from core.validators import MAX_ID
from jobs import rules  # noqa: F401
from jobs.eligibility import DEMAND_CODE, HEALTH_CODE, blockers, same_skill, suspended_words  # noqa: F401
from jobs.hiring import (  # noqa: F401
    UNDO_WINDOW,
    can_undo,
    hire_several,
    may_undo,
    referral_question,
    undo_change,
    undo_until,
)
from jobs.models import (
    Employer,
    Job,
    JobSkill,
)
from jobs.order_referrals import refer_graduate  # noqa: F401
from jobs.posting_search import asks_for_skill
from jobs.referral_lifecycle import (  # noqa: F401
    WELFARE_TERM_MONTHS,
    change_referral,
    create_referral,
    expire_postings,
    get_referral,
    reachable_worker_ids,
    referred_worker_ids,
    remind_follow_ups,
    stable_employment,
    sweep_unanswered,
    welfare_term_end,
)
from jobs.reliability import attach_standing, blocked_employers_clause, is_suspended, retention  # noqa: F401
from jobs.subsidies import record_on_the_job_skills, write_employer_subsidies  # noqa: F401
from registry.models import (
    Area,
    Skill,
    Worker,
)
from registry.services import (
    THRESHOLD,
    area_point,
    corrected,
    first_point,
    resolve_candidates,
    skill_values,
    text_key,
)

# --- employers ---------------------------------------------------------------------------------

def _check_area(session: Session, data: dict) -> None:
    code = data.get("area_code")
    if code and session.get(Area, code) is None:
        raise ValidationFailed(_("Unknown area."), {"area_code": _("no area has this code")})


def create_employer(session: Session, data: dict, actor: User) -> Employer:
    """Officers register employers already verified; an employer account registers its own, with
    the area it is in, and waits for a county officer before its postings reach villagers. Without
    a point of its own, an employer is placed at its area's."""
    if actor.role is Role.employer and actor.employer_id is not None:
        raise Conflict(_("Your account already belongs to an employer."), {"uscc": _("one employer per account")})
    if not actor.posts_jobs:
        raise Forbidden(_("Your role is not allowed to do this."))
    if actor.role is Role.employer and not data.get("area_code"):
        raise ValidationFailed(_("Say where the employer is: its county or township."),
                               {"area_code": _("required")})
    _check_area(session, data)
    data["lat"], data["lon"] = first_point((data.get("lat"), data.get("lon")), area_point(session, data.get("area_code")))
    if session.scalar(select(Employer.id).where(Employer.uscc == data["uscc"])) is not None:
        raise Conflict(_("An employer with this credit code is registered."), {"uscc": _("already registered")})
    employer = Employer(**data)
    if actor.is_officer:
        employer.verified_at, employer.verified_by_id = utcnow(), actor.id
    session.add(employer)
    session.flush()
    if actor.role is Role.employer:
        actor.employer_id = employer.id
    return employer


def employer_registered(session: Session, uscc: str) -> bool:
    """Whether this unified social credit code is taken, by an employer or an account named after
    it: the sign-up says the same of both, and so tells nothing of usernames."""
    return (session.scalar(select(Employer.id).where(Employer.uscc == uscc)) is not None
            or session.scalar(select(User.id).where(User.username == uscc)) is not None)


def register_employer(session: Session, data: dict, password: str) -> tuple[Employer, User]:
    """Self-service sign-up: a new employer account and its employer, waiting for verification.
    The account's name is the unified social credit code (as on government service portals): a
    sign-up then tells nothing about which usernames exist, only that a company is registered."""
    from core.auth import create_user
    taken = Conflict(_("An employer with this credit code is registered."), {"uscc": _("already registered")})
    if session.scalar(select(Employer.id).where(Employer.uscc == data["uscc"])) is not None:
        raise taken
    try:
        user = create_user(session, data["uscc"], password, Role.employer, display_name=data["name"][:64])
    except Conflict:
        raise taken from None
    return create_employer(session, data, user), user


def verify_employer(session: Session, employer: Employer, actor: User) -> Employer:
    if not actor.is_officer:
        raise Forbidden(_("Only a county officer or an administrator verifies employers."))
    if employer.verified_at is None:
        employer.verified_at, employer.verified_by_id = utcnow(), actor.id
        employer.refused_at = employer.refused_reason = None  # a refusal put right
    session.flush()
    return employer


def get_employer(session: Session, employer_id: int, actor: User | None = None) -> Employer:
    employer = session.get(Employer, employer_id) if 0 < employer_id <= MAX_ID else None
    if employer is None:
        raise NotFound(_("No employer %(id)s.", id=employer_id))
    return employer


def list_employers(session: Session, verified: bool | None = None, limit: int = 50, offset: int = 0):
    conditions = []
    if verified is not None:
        conditions.append(Employer.verified_at.is_not(None) if verified else Employer.verified_at.is_(None))
    total = session.scalar(select(func.count(Employer.id)).where(*conditions))
    rows = session.scalars(select(Employer).where(*conditions).order_by(Employer.id.desc())
                           .limit(limit).offset(offset)).all()
    return list(rows), total


# --- postings ----------------------------------------------------------------------------------

def _own_employer(actor: User, employer_id: int, field: str = "employer_id") -> None:
    if actor.role is Role.employer and actor.employer_id != employer_id:
        raise Forbidden(_("You may only post for your own employer."), {field: _("not your employer")})
    if not actor.posts_jobs:
        raise Forbidden(_("Your role is not allowed to do this."))


def occupation_for_title(session: Session, title: str, area_code: str | None = None) -> str | None:
    """The occupation code of the 2022 classification a posting's title names, if one is clear (a
    station's correction of that title in the area's county first)."""
    fixed = corrected(session, area_code, [title])
    if fixed:
        skill = session.get(Skill, next(iter(fixed.values())))
        if skill is not None and skill.code:
            return skill.code
    for match in resolve_candidates(session, title, limit=5):
        if match.code:
            return match.code if match.score >= THRESHOLD else None
    return None


def _check_welfare_flag(actor: User, data: dict, current: bool = False) -> None:
    """公益性岗位 are government posts: only county officers and administrators mark a posting so."""
    if data.get("public_welfare", current) != current and not actor.is_officer:
        raise Forbidden(_("Only a county officer marks a posting as a public-welfare post."),
                        {"public_welfare": _("set by county officers only")})


def _check_start(data: dict, stored=None) -> None:
    """A posting starts today or later; an edit may keep a start day that has passed."""
    starts_on = data.get("starts_on")
    if starts_on is not None and starts_on != stored and starts_on < china_today():
        raise ValidationFailed(_("The start date must not be in the past."),
                               {"starts_on": _("must not be in the past")})


def create_job(session: Session, data: dict, actor: User) -> Job:
    employer = session.get(Employer, data["employer_id"]) if data["employer_id"] <= MAX_ID else None
    if employer is None:
        raise ValidationFailed(_("Unknown employer."), {"employer_id": _("no employer has this id")})
    _own_employer(actor, employer.id)
    _check_start(data)
    _check_welfare_flag(actor, data)
    _check_area(session, data)
    skills = data.pop("required_skills", [])
    job = Job(**data)
    job.area_code = job.area_code or employer.area_code  # the work site, unless said otherwise, is the employer's
    job.occupation_code = occupation_for_title(session, job.title, job.area_code)
    job.coords_derived = job.lat is None or job.lon is None
    _place(session, job, employer)
    job.required_skills = [JobSkill(name=v["name"], skill_id=v["skill_id"])
                           for v in skill_values(session, skills, area_code=job.area_code)]
    session.add(job)
    session.flush()
    return job


def _place(session: Session, job: Job, employer: Employer) -> None:
    """A posting's point: its own, else its work-site area's (village, township or county), else its
    employer's area's, else the employer's own."""
    if job.coords_derived:
        with session.no_autoflush:
            job.lat, job.lon = first_point(area_point(session, job.area_code), area_point(session, employer.area_code),
                                           (employer.lat, employer.lon))


def update_job(session: Session, job: Job, data: dict, actor: User) -> Job:
    _own_employer(actor, job.employer_id)
    _check_start(data, job.starts_on)
    _check_welfare_flag(actor, data, job.public_welfare)
    _check_area(session, data)
    if "openings" in data and data["openings"] < job.hired_count:
        raise Conflict(_("%(n)s people are already hired.", n=job.hired_count),
                       {"openings": _("cannot be fewer than those hired")})
    skills = data.pop("required_skills", None)
    for key, value in data.items():
        setattr(job, key, value)
    if job.trains_on_job and not job.training_months:  # the posting as changed, not only the fields sent
        raise ValidationFailed(_("Say how many months the training on the job lasts."),
                               {"training_months": _("required when the posting trains on the job")})
    if "lat" in data or "lon" in data:
        job.coords_derived = job.lat is None or job.lon is None
    _place(session, job, job.employer)
    if "title" in data:
        job.occupation_code = occupation_for_title(session, job.title, job.area_code or job.employer.area_code)
    if skills is not None:
        job.required_skills = [JobSkill(name=v["name"], skill_id=v["skill_id"]) for v in skill_values(
            session, skills, area_code=job.area_code or job.employer.area_code)]
    session.flush()
    return job


def close_job(session: Session, job: Job, actor: User) -> Job:
    _own_employer(actor, job.employer_id)
    job.closed_at = job.closed_at or utcnow()
    session.flush()
    return job


def reopen_job(session: Session, job: Job, actor: User) -> Job:
    """A closed posting takes people again, unless it has expired or every opening is filled
    (409, naming what to change first: the expiry date or the openings)."""
    _own_employer(actor, job.employer_id)
    if job.closed_at is None:
        return job
    problems = {}
    if job.expires_on is not None and job.expires_on < china_today():
        problems["expires_on"] = _("expired on %(day)s: set a later expiry date first", day=job.expires_on.isoformat())
    if job.openings_left == 0:
        problems["openings"] = _("every opening is filled: add openings first")
    if problems:
        raise Conflict(_("The posting cannot be reopened: %(why)s.", why="; ".join(problems.values())), problems)
    job.closed_at = None
    session.flush()
    return job


def get_job(session: Session, job_id: int, actor: User | None) -> Job:
    job = session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    if job is None or not job.visible_to(actor):
        raise NotFound(_("No job %(id)s.", id=job_id))
    return job


def list_jobs(session: Session, actor: User | None, employer_id: int | None = None, open_only: bool = False,
              q: str | None = None, public_welfare: bool | None = None, limit: int = 50, offset: int = 0,
              skill: str | None = None):
    """Postings the actor may see. `skill` is what people say ("会开叉车"): postings that ask for the
    skill it resolves to (any entry of the same occupation code), or whose title names that
    occupation, and those asking for a skill written with the text in it."""
    conditions = []
    mine = actor is not None and actor.role is Role.employer
    staff = actor is not None and actor.is_staff
    if mine:
        conditions.append(Job.employer_id == actor.employer_id)
    if open_only or not (mine or staff):
        conditions += [Job.closed_at.is_(None), Employer.verified_at.is_not(None),
                       or_(Job.expires_on.is_(None), Job.expires_on >= china_today())]
    if employer_id is not None:
        conditions.append(Job.employer_id == employer_id)
    if q:
        conditions.append(or_(Job.title.contains(q, autoescape=True), Employer.name.contains(q, autoescape=True)))
    if public_welfare is not None:
        conditions.append(Job.public_welfare.is_(public_welfare))
    if skill:
        conditions.append(asks_for_skill(session, skill))
    base = select(Job).join(Employer).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.scalars(base.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


# --- what an employer may see of a person ------------------------------------------------------

def age_band(age: int) -> str:
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def person_view(worker: Worker, actor: User, referred_to_actor: bool = False) -> dict:
    """Employers see a surname, an age band, the village and the skills until the person is
    referred to them; staff see the name as well (personal numbers stay masked everywhere)."""
    masked = actor.role is Role.employer and not referred_to_actor
    return {
        "name": crypto.mask_name(worker.name) if masked else worker.name,
        "age_band": age_band(worker.age),
        "sex": worker.sex.name,
        "village": worker.household.village.name,
        "skills": [s.canonical or s.name for s in worker.skills],
        "phone": None if masked else worker.phone_masked,
    }


def may_see_contact(actor: User | None, employer: Employer) -> bool:
    """An employer's contact phone: for staff, who arrange referrals, and for the employer itself."""
    return actor is not None and (actor.is_staff
                                  or (actor.role is Role.employer and actor.employer_id == employer.id))


# --- for the pages (jobs/views.py) -------------------------------------------------------------
# Added with the jobs pages: small questions the pages ask, answered here so that the rules
# stay out of the views.

def may_manage_job(actor: User | None, job: Job) -> bool:
    """Edit or close a posting: county officers and administrators, and its own employer."""
    return actor is not None and (actor.is_officer
                                  or (actor.role is Role.employer and actor.employer_id == job.employer_id))


def require_job_manager(actor: User, job: Job) -> None:
    """The pages' gate before an edit or a close: anyone else is refused (403) outright."""
    if not may_manage_job(actor, job):
        raise Forbidden(_("You may only change your own postings."))


def may_see_candidates(actor: User | None, job: Job) -> bool:
    """The ranked candidates of a posting: staff, and the employer that posted it once an officer
    has verified its credit code (an unverified employer sees nobody)."""
    return actor is not None and (actor.is_staff
                                  or (actor.role is Role.employer and actor.employer_id == job.employer_id
                                      and job.employer.verified))


def require_candidates(actor: User, job: Job) -> None:
    if not may_see_candidates(actor, job):
        if actor.role is Role.employer and actor.employer_id == job.employer_id:
            raise Forbidden(_("Candidates are shown once a county officer has verified your employer."))
        raise Forbidden(_("You see candidates for your own postings only."))


def repoint_postings(session: Session, *, county: str, key: str, skill: Skill) -> tuple[str, int]:
    """Answers registry.corrections.skill_corrected: the county's postings that asked for `key`, or
    are titled `key`, now mean `skill`. They get a new `updated_at`, so the matcher reads them again."""
    postings = 0
    for job in session.scalars(select(Job).join(Employer).where(
            or_(within_clause(county, Job.area_code), within_clause(county, Employer.area_code)))):
        changed = False
        for need in job.required_skills:
            if text_key(need.name) == key and need.skill_id != skill.id:
                need.skill_id, changed = skill.id, True
        if text_key(job.title) == key and skill.code and job.occupation_code != skill.code:
            job.occupation_code, changed = skill.code, True
        if changed:
            job.updated_at = utcnow()
            postings += 1
    session.flush()
    return "postings", postings
