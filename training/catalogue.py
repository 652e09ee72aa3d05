"""What the training pages look up for the user, scoped as each page is: a trainee's own worker
record, the courses open to join (nearest first for a trainee), the courses a user manages or
answers for, the courses offered beside a person's wishes, the class of a course from the user's
areas, and the areas a course form or a filter offers."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.models import Role, User
from core.scoping import scope_clause, user_sees_area
from registry import services as registry_services
from registry.models import Area, AreaLevel, Worker
from training import services
from training.models import Course, CourseMode, Enrollment

ALL_OPEN = 1000  # courses one can still join are few: they are filtered and sorted here, then paged
AREA_LIMIT = 500  # options of an area filter
COURSE_LIMIT = 500  # courses of one area gathered for the outcomes page
COURSES_PER_WISH = 10
OTHER_COURSES = 10  # upcoming courses offered beside those that teach what the person wishes


# --- the trainee -------------------------------------------------------------------------------

def own_worker(session: Session, viewer: User | None) -> Worker | None:
    """The worker record of a signed-in trainee, or None (anyone else, or an account not linked yet)."""
    if viewer is None or viewer.role is not Role.worker or viewer.worker_id is None:
        return None
    return registry_services.get_worker(session, viewer.worker_id, viewer)


def unlinked_trainee(viewer: User | None) -> bool:
    """A trainee's account not linked to a worker record yet: nobody to enrol."""
    return viewer is not None and viewer.role is Role.worker and viewer.worker_id is None


# --- the course finder -------------------------------------------------------------------------

def _nearest_first(course: Course, km: dict[int, float | None]):
    """Online courses are joined from home; then by distance; courses of unknown place last."""
    if course.mode is CourseMode.online:
        return (0, 0.0, course.starts_on or date.max, course.id)
    distance = km.get(course.id)
    return (1 if distance is not None else 2, distance or 0.0, course.starts_on or date.max, course.id)


def open_courses(session: Session, skill: str | None, modes: tuple[CourseMode, ...], seats_only: bool,
                 home: Worker | None = None, nearest: bool = False) -> tuple[list[Course], dict[int, float | None]]:
    """Courses one can still join, teaching the skill, in one of the modes (any when none), with a
    free seat when asked; and the kilometres from `home` (a located trainee) to each, by which they
    come nearest first when asked (None for a course whose place is unknown)."""
    found, _total = services.list_courses(session, skill=skill, mode=modes[0] if len(modes) == 1 else None,
                                          upcoming=True, limit=ALL_OPEN)
    found = [c for c in found if (not modes or c.mode in modes) and (not seats_only or c.seats_left > 0)]
    km = {c.id: registry_services.distance_km(home.lat, home.lon, c.lat, c.lon) for c in found} if home is not None else {}
    if nearest:
        found.sort(key=lambda c: _nearest_first(c, km))
    return found, km


# --- courses a user manages or answers for ----------------------------------------------------

def managed_courses(session: Session, actor: User, limit: int) -> tuple[list[Course], int]:
    """A provider's own courses; every course for an admin; a county officer's in their areas."""
    if actor.role is Role.provider:
        return services.list_courses(session, provider_user_id=actor.id, limit=limit)
    if actor.sees_every_area:
        return services.list_courses(session, limit=limit)
    found = {}
    for code in actor.area_codes:
        items, _total = services.list_courses(session, area_code=code, limit=limit)
        found.update((c.id, c) for c in items if services.may_manage(actor, c))
    items = sorted(found.values(), key=lambda c: (c.starts_on is None, c.starts_on or date.min, c.id))
    return items[:limit], len(items)


def _course_areas(actor: User) -> list[str]:
    """Where the user's courses are held: a station's village is served by courses of its
    township; a county officer's by those of the county."""
    return sorted({code[:9] + "000" if not code.endswith("000") else code for code in actor.area_codes})


def courses_of_my_areas(session: Session, actor: User, limit: int, offset: int = 0) -> tuple[list[Course], int]:
    """The courses held where the user answers for (every course for an admin; a provider's own for
    a provider), a page of them."""
    if actor.role is Role.provider:
        return services.list_courses(session, provider_user_id=actor.id, limit=limit, offset=offset)
    if actor.sees_every_area:
        return services.list_courses(session, limit=limit, offset=offset)
    codes = _course_areas(actor)
    if len(codes) == 1:
        return services.list_courses(session, area_code=codes[0], limit=limit, offset=offset)
    found: dict[int, Course] = {}
    for code in codes:
        items, _total = services.list_courses(session, area_code=code, limit=COURSE_LIMIT)
        found.update((c.id, c) for c in items)
    ordered = sorted(found.values(), key=lambda c: (c.starts_on is None, c.starts_on, c.id))
    return ordered[offset:offset + limit], len(ordered)


def in_class_from_my_areas(session: Session, course: Course, actor: User) -> list[tuple[Enrollment, int | None]]:
    """The people of the user's areas enrolled or waiting in the course, with their place in line."""
    return [(e, services.waitlist_position(session, e)) for e in services.roster(session, course, statuses=services.ACTIVE)
            if user_sees_area(actor, e.worker.household.village_code)]


@dataclass(frozen=True)
class Offer:
    course: Course
    wished: list[str]  # the wishes this course answers
    unmet: list[str]


def offers(session: Session, worker: Worker, wishes, taken: set[int]) -> tuple[list[Offer], list[Offer]]:
    """Upcoming courses that teach what the person wishes, then a few others; none of `taken`."""
    matching: dict[int, Offer] = {}
    for wish in wishes:
        for skill in dict.fromkeys(filter(None, (wish.canonical, wish.name))):  # the catalogue's name, then as said
            items, _total = services.list_courses(session, skill=skill, upcoming=True, limit=COURSES_PER_WISH)
            for course in items:
                if course.id in taken:
                    continue
                offer = matching.setdefault(course.id, Offer(course, [], services.unmet_prerequisites(course, worker)))
                if wish.name not in offer.wished:
                    offer.wished.append(wish.name)
    others, _total = services.list_courses(session, upcoming=True, limit=OTHER_COURSES + len(taken) + len(matching))
    rest = [Offer(c, [], services.unmet_prerequisites(c, worker)) for c in others
            if c.id not in taken and c.id not in matching][:OTHER_COURSES]
    return list(matching.values()), rest


# --- areas -------------------------------------------------------------------------------------

def course_areas(session: Session, actor: User) -> list[Area]:
    """Townships and villages on file where the user may hold a course: any for a provider or an
    admin; their own areas for staff bound to areas (who manage only courses there)."""
    townships, _total = registry_services.list_areas(session, level=AreaLevel.township, limit=5000)
    villages, _total = registry_services.list_areas(session, level=AreaLevel.village, limit=50_000)
    areas = sorted(townships + villages, key=lambda a: a.code)
    if actor.is_area_staff:
        areas = [a for a in areas if user_sees_area(actor, a.code)]
    return areas


def townships(session: Session, actor: User) -> list[Area]:
    """The townships of the user's areas: those inside them, and those their villages lie in. A
    provider, bound to no area, reads the demand of every township (see survey.demand)."""
    if actor.role is Role.provider:
        return list(session.scalars(select(Area).where(Area.level == AreaLevel.township)
                                    .order_by(Area.code).limit(AREA_LIMIT)))
    parents = select(Area.parent_code).where(Area.code.in_(actor.area_codes), Area.level == AreaLevel.village)
    return list(session.scalars(
        select(Area).where(Area.level == AreaLevel.township,
                           or_(scope_clause(actor, Area.code), Area.code.in_(parents)))
        .order_by(Area.code).limit(AREA_LIMIT)))


def ledger_areas(session: Session, actor: User) -> list[Area]:
    """Townships, each followed by its villages in the user's areas; none for a provider, whose
    ledger is filtered by its courses."""
    if actor.role is Role.provider:
        return []
    villages = registry_services.areas_in_scope(session, actor, AreaLevel.village, limit=AREA_LIMIT)
    return sorted(townships(session, actor) + villages, key=lambda a: a.code)
