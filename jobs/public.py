"""The public job board and the printable notice of a posting: open postings as anyone may see
them, without signing in; and the published stories of those who show the way (扶志), by township.

What leaves this module for a public page or answer is a `PublicPosting`, a whitelist of the
posting's own facts and its employer's name: never a contact person, a phone or anyone else's
data, so a template cannot show what it was never given. A story leaves it as a `PublicStory`:
the name as recorded (the person agreed to it), the place, the story; never the registry's person.

Plain functions taking a session (and the acting user); they never write."""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.errors import Forbidden, NotFound, ValidationFailed
from core.models import Role, User, china_day, china_today
from core.scoping import within_clause
from core.validators import MAX_ID
from jobs.models import Employer, Job, PhysicalDemand, WageUnit
from jobs.posting_search import asks_for_skill
from jobs.reliability import blocked_employers_clause
from registry.models import Area, AreaLevel, Exemplar, ExemplarKind
from registry.services import list_areas, own_areas

WORKING_DAYS = 22  # a day wage times this is a month's, as the matcher reckons it (matching/data.py)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")  # a mobile number is a person's
HIDDEN = "•" * 11


@dataclass(frozen=True)
class PublicPosting:
    """A posting as the public sees it."""
    id: int
    title: str
    employer_name: str
    area_code: str | None
    area_name: str | None
    address: str | None
    wage_min: int | None
    wage_max: int | None
    wage_unit: WageUnit
    openings: int
    openings_left: int
    accommodation: bool
    meals: bool
    flexible_hours: bool
    public_welfare: bool
    workshop: bool
    labour_intensive: bool
    physical_demand: PhysicalDemand
    shift: str | None
    min_age: int | None
    max_age: int | None
    skills: tuple[str, ...]
    description: str | None
    starts_on: date | None
    expires_on: date | None

    @property
    def full(self) -> bool:
        return self.openings_left == 0


def public_text(text: str | None) -> str | None:
    """Free text an employer wrote, with mobile numbers (a person's) blotted out."""
    return MOBILE.sub(HIDDEN, text) if text else text


def place_name(area: Area | None) -> str | None:
    """Where a posting is, as villagers say it: the township and the village (吉强镇团结村委会), a
    township alone, or the county for a county-wide posting."""
    if area is None:
        return None
    names, here = [], area
    while here is not None and here.level is not AreaLevel.county:
        names.append(here.name)
        here = here.parent
    return "".join(reversed(names)) or area.name


def _posting(job: Job, area: Area | None) -> PublicPosting:
    return PublicPosting(
        id=job.id, title=job.title, employer_name=job.employer.name,
        area_code=area.code if area is not None else None, area_name=place_name(area),
        address=public_text(job.address), wage_min=job.wage_min, wage_max=job.wage_max, wage_unit=job.wage_unit,
        openings=job.openings, openings_left=job.openings_left, accommodation=job.accommodation, meals=job.meals,
        flexible_hours=job.flexible_hours, public_welfare=job.public_welfare, workshop=job.workshop,
        labour_intensive=job.labour_intensive, physical_demand=job.physical_demand, shift=public_text(job.shift),
        min_age=job.min_age, max_age=job.max_age, skills=tuple(s.name for s in job.required_skills),
        description=public_text(job.description), starts_on=job.starts_on, expires_on=job.expires_on)


def _places(session: Session, jobs: list[Job]) -> dict[str, Area]:
    codes = {job.area_code or job.employer.area_code for job in jobs} - {None}
    return {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(codes)))} if codes else {}


def public_postings(session: Session, jobs: list[Job]) -> list[PublicPosting]:
    places = _places(session, jobs)
    return [_posting(job, places.get(job.area_code or job.employer.area_code)) for job in jobs]


# --- the board ---------------------------------------------------------------------------------

def _open_now():
    """Open postings of employers under no wage-arrears complaint (those are offered to nobody)."""
    return [Job.closed_at.is_(None), Employer.verified_at.is_not(None),
            or_(Job.expires_on.is_(None), Job.expires_on >= china_today()),
            Job.employer_id.not_in(blocked_employers_clause())]


def _wage_clause(wanted: int):
    """Postings that may pay at least `wanted` a month: the top of the range (a day wage for
    WORKING_DAYS days). A piece rate, or a wage to be agreed, promises no sum and is left out."""
    top = func.coalesce(Job.wage_max, Job.wage_min)
    return or_(and_(Job.wage_unit == WageUnit.month, top >= wanted),
               and_(Job.wage_unit == WageUnit.day, top * WORKING_DAYS >= wanted))


def list_postings(session: Session, area_code: str | None = None, skill: str | None = None,
                  accommodation: bool | None = None, wage_min: int | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[list[PublicPosting], int]:
    """Open postings of verified employers, not expired, those still hiring first. `area_code` is
    any level: the postings whose work site (else their employer) lies inside it."""
    conditions = _open_now()
    if area_code:
        if session.get(Area, area_code) is None:
            raise ValidationFailed(_("Unknown area."), {"area_code": _("no area has this code")})
        conditions.append(within_clause(area_code, func.coalesce(Job.area_code, Employer.area_code)))
    if skill:
        conditions.append(asks_for_skill(session, skill))
    if accommodation is not None:
        conditions.append(Job.accommodation.is_(accommodation))
    if wage_min:
        conditions.append(_wage_clause(wage_min))
    base = select(Job).join(Employer).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    full = case((Job.hired_count >= Job.openings, 1), else_=0)
    rows = session.scalars(base.order_by(full, Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset))
    return public_postings(session, list(rows)), total


def get_posting(session: Session, job_id: int) -> PublicPosting:
    """One posting on the board: open ones only, to anyone (a full one too: it says so)."""
    job = session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    if job is None or not job.is_open:
        raise NotFound(_("No job %(id)s.", id=job_id))
    return public_postings(session, [job])[0]


def board_areas(session: Session) -> list[tuple[Area, list[Area]]]:
    """The counties on file, each with its townships: what the board's place filter offers."""
    counties, _total = list_areas(session, level=AreaLevel.county, limit=1000)
    townships, _total = list_areas(session, level=AreaLevel.township, limit=5000)
    return [(county, [t for t in townships if t.parent_code == county.code]) for county in counties]


# --- the printed notice ------------------------------------------------------------------------

def may_print_notice(actor: User | None, job: Job) -> bool:
    """Staff, who put notices up in the villages, and the employer of the posting."""
    return actor is not None and (actor.is_staff
                                  or (actor.role is Role.employer and actor.employer_id == job.employer_id))


def notice(session: Session, job_id: int, actor: User) -> tuple[Job, PublicPosting, list[str]]:
    """The posting for its printed notice, and where to apply: a station's own villages, or none
    (then the notice says "your village's labour station")."""
    job = session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    if job is None or not job.visible_to(actor):
        raise NotFound(_("No job %(id)s.", id=job_id))
    if not may_print_notice(actor, job):
        raise Forbidden(_("Staff and the posting's employer print its notice."))
    stations = [place_name(a) for a in own_areas(session, actor)] if actor.role is Role.station else []
    return job, public_postings(session, [job])[0], stations


# --- those who show the way (扶志) ---------------------------------------------------------------

SUMMARY_LENGTH = 80  # characters of a story on the board's card


@dataclass(frozen=True)
class PublicStory:
    """A published story or local expert as the public sees it."""
    id: int
    kind: ExemplarKind
    name: str
    title: str
    story: str
    trade: str | None
    area_code: str
    area_name: str | None
    township_code: str
    township_name: str
    published_on: date

    @property
    def summary(self) -> str:
        return self.story if len(self.story) <= SUMMARY_LENGTH else self.story[:SUMMARY_LENGTH].rstrip() + "…"


def _township(area: Area) -> Area:
    return area.parent if area.level is AreaLevel.village and area.parent is not None else area


def _story(exemplar: Exemplar, area: Area) -> PublicStory:
    township = _township(area)
    return PublicStory(
        id=exemplar.id, kind=exemplar.kind, name=public_text(exemplar.name), title=public_text(exemplar.title),
        story=public_text(exemplar.story), trade=public_text(exemplar.trade), area_code=area.code,
        area_name=place_name(area), township_code=township.code, township_name=township.name,
        published_on=china_day(exemplar.published_at))


def published_stories(session: Session, area_code: str | None = None, limit: int = 50,
                      offset: int = 0) -> tuple[list[PublicStory], int]:
    """Published records, newest first; `area_code` (any level): those inside it."""
    conditions = [Exemplar.published_at.is_not(None)]
    if area_code:
        if session.get(Area, area_code) is None:
            raise ValidationFailed(_("Unknown area."), {"area_code": _("no area has this code")})
        conditions.append(within_clause(area_code, Exemplar.area_code))
    base = select(Exemplar, Area).join(Area, Area.code == Exemplar.area_code).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.execute(base.order_by(Exemplar.published_at.desc(), Exemplar.id.desc()).limit(limit).offset(offset))
    return [_story(exemplar, area) for exemplar, area in rows], total


def stories_by_township(stories: list[PublicStory]) -> list[tuple[str, list[PublicStory]]]:
    """The stories under their township's name, townships in code order, newest first in each."""
    groups: dict[str, tuple[str, list[PublicStory]]] = {}
    for story in stories:
        groups.setdefault(story.township_code, (story.township_name, []))[1].append(story)
    return [groups[code] for code in sorted(groups)]


def get_story(session: Session, story_id: int) -> PublicStory:
    """One published record; any other is not found."""
    exemplar = session.get(Exemplar, story_id) if 0 < story_id <= MAX_ID else None
    if exemplar is None or exemplar.published_at is None:
        raise NotFound(_("No story %(id)s.", id=story_id))
    return _story(exemplar, session.get(Area, exemplar.area_code))
