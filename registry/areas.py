"""Areas: the administrative divisions (county, township, village) that scope everything else,
their names and their points. Plain functions taking a session; they flush, the caller commits."""
import math

from flask_babel import gettext as _
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Role, User
from core.scoping import scope_clause, user_sees_area
from registry.models import Area, AreaLevel

PARENT_LEVEL = {AreaLevel.township: AreaLevel.county, AreaLevel.village: AreaLevel.township}


def get_area(session: Session, code: str) -> Area:
    area = session.get(Area, code)
    if area is None:
        raise NotFound(_("Area %(code)s does not exist.", code=code), {"area_code": _("unknown area")})
    return area


def areas_in_scope(session: Session, actor: User, *levels: AreaLevel, limit: int | None = None) -> list[Area]:
    """The areas of these levels inside the user's areas (every one for an administrator), in
    code order, at most `limit`: what the pages' area boxes offer."""
    return list(session.scalars(select(Area).where(Area.level.in_(levels), scope_clause(actor, Area.code))
                                .order_by(Area.code).limit(limit)))


def visible_villages(session: Session, actor: User) -> list[Area]:
    """The villages the user may file households under, in code order (for select boxes)."""
    return areas_in_scope(session, actor, AreaLevel.village)


def own_areas(session: Session, actor: User) -> list[Area]:
    """The areas of the user's account that are on file, in the account's order."""
    return [area for area in (session.get(Area, code) for code in actor.area_codes) if area is not None]


def area_names(session: Session, codes) -> dict[str, str]:
    """Code → name for the given area codes (those on file)."""
    codes = set(codes)
    if not codes:
        return {}
    return dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(codes))).all())


def list_areas(session: Session, parent_code: str | None = None, level: AreaLevel | None = None,
               limit: int = 500, offset: int = 0) -> tuple[list[Area], int]:
    """Areas are public reference data (the statistical division codes): no scoping."""
    conditions = []
    if parent_code:
        conditions.append(Area.parent_code == parent_code)
    if level is not None:
        conditions.append(Area.level == level)
    total = session.scalar(select(func.count()).select_from(Area).where(*conditions))
    rows = session.scalars(select(Area).where(*conditions).order_by(Area.code).limit(limit).offset(offset)).all()
    return list(rows), total


def create_area(session: Session, data: dict, actor: User) -> Area:
    if session.get(Area, data["code"]) is not None:
        raise Conflict(_("Area %(code)s already exists.", code=data["code"]), {"code": _("already exists")})
    level, parent_code = data["level"], data.get("parent_code")
    if level is AreaLevel.county:
        if parent_code:
            raise ValidationFailed(_("A county has no parent here."), {"parent_code": _("must be empty for a county")})
    else:
        if not parent_code:
            raise ValidationFailed(_("Give the parent area."), {"parent_code": _("required")})
        parent = session.get(Area, parent_code)
        if parent is None or parent.level is not PARENT_LEVEL[level]:
            raise ValidationFailed(_("The parent must be an existing %(level)s.", level=PARENT_LEVEL[level].label),
                                   {"parent_code": _("not an existing %(level)s", level=PARENT_LEVEL[level].label)})
        if not data["code"].startswith(parent.prefix):
            raise ValidationFailed(_("The code does not lie inside its parent's code."),
                                   {"code": _("must start with %(prefix)s", prefix=parent.prefix)})
    if not _area_code_fits_level(data["code"], level):
        raise ValidationFailed(_("The code does not fit the level."), {"code": _("wrong code for a %(level)s", level=level.label)})
    check = data["code"] if level is AreaLevel.county else parent_code
    if actor.role is not Role.admin and not user_sees_area(actor, check):
        raise Forbidden(_("You may only add areas inside your own."))
    area = Area(code=data["code"], name=data["name"], level=level, parent_code=parent_code or None,
                lat=data.get("lat"), lon=data.get("lon"))
    session.add(area)
    session.flush()
    return area


def update_area(session: Session, code: str, data: dict, actor: User) -> Area:
    """An administrator's correction of an area's name, point or parent. A parent must be of the level
    above and contain the area's code: whatever an account or a record is bound to is found by the
    code's prefix, so no parent may contradict it. Recorded in the audit log."""
    if actor.role is not Role.admin:
        raise Forbidden(_("Only an administrator edits areas."))
    area = get_area(session, code)
    if "parent_code" in data:
        _check_parent(session, area, data["parent_code"])
    lat, lon = data.get("lat", area.lat), data.get("lon", area.lon)
    if ("lat" in data or "lon" in data) and (lat is None) != (lon is None):
        raise ValidationFailed(_("Give both latitude and longitude, or neither."),
                               {"lon" if lon is None else "lat": _("required with the other")})
    changed = sorted(key for key, value in data.items() if getattr(area, key) != value)
    for key in changed:
        setattr(area, key, data[key])
    if changed:
        audit.record(actor, "update", "area", area.code, fields=changed, area_code=area.code)
    session.flush()
    return area


def _check_parent(session: Session, area: Area, parent_code: str | None) -> None:
    if area.level is AreaLevel.county:
        if parent_code:
            raise ValidationFailed(_("A county has no parent here."), {"parent_code": _("must be empty for a county")})
        return
    wanted = PARENT_LEVEL[area.level]
    parent = session.get(Area, parent_code) if parent_code else None
    if parent is None or parent.level is not wanted:
        raise ValidationFailed(_("The parent must be an existing %(level)s.", level=wanted.label),
                               {"parent_code": _("not an existing %(level)s", level=wanted.label)})
    if not area.code.startswith(parent.prefix):
        raise ValidationFailed(_("The code does not lie inside its parent's code."),
                               {"parent_code": _("must be an area whose code begins %(prefix)s",
                                                 prefix=area.code[:wanted.prefix_length])})


def area_tree(session: Session) -> tuple[list[tuple[Area, list[tuple[Area, list[Area]]]]], list[Area]]:
    """Every area, as counties with their townships and each township's villages, in code order; and
    the townships and villages that hang under none of them (no parent, or a parent of the wrong level)."""
    everything = list(session.scalars(select(Area).order_by(Area.code)))
    children: dict[str | None, list[Area]] = {}
    for area in everything:
        children.setdefault(area.parent_code, []).append(area)
    tree = [(county, [(township, [v for v in children.get(township.code, []) if v.level is AreaLevel.village])
                      for township in children.get(county.code, []) if township.level is AreaLevel.township])
            for county in everything if county.level is AreaLevel.county]
    placed = {a.code for county, townships in tree for a in
              [county, *(t for t, _v in townships), *(v for _t, vs in townships for v in vs)]}
    return tree, [area for area in everything if area.code not in placed]


def _area_code_fits_level(code: str, level: AreaLevel) -> bool:
    tail = code[level.prefix_length:]
    head = code[:level.prefix_length]
    return set(tail) <= {"0"} and not head.endswith("000")


def surrounding_areas(session: Session, codes: list[str]) -> list[Area]:
    """The counties these areas lie in and their townships, in code order: where a resettlement site
    of their households may be."""
    counties = sorted({code[:6] + "000000" for code in codes})
    return list(session.scalars(select(Area).where(
        Area.level.in_((AreaLevel.county, AreaLevel.township)),
        or_(*(Area.code.like(county[:6] + "%") for county in counties)) if counties else false())
        .order_by(Area.code)))


def default_coords(area: Area | None) -> tuple[float | None, float | None]:
    """A village's point, or failing that its township's or county's."""
    while area is not None:
        if area.lat is not None and area.lon is not None:
            return area.lat, area.lon
        area = area.parent
    return None, None


def area_point(session: Session, code: str | None) -> tuple[float | None, float | None]:
    """The point of the area with this code (or of the nearest area above it that has one)."""
    return default_coords(session.get(Area, code) if code else None)


def first_point(*points: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    """The first of these points that is known."""
    return next(((lat, lon) for lat, lon in points if lat is not None and lon is not None), (None, None))


def distance_km(lat1, lon1, lat2, lon2) -> float | None:
    """Great-circle kilometres; None when a point is unknown."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def chain_of(area: Area) -> list[str]:
    """The area's code and its parents', nearest first: where a setting of the nearest area that
    has one (a monitoring line, a policy) is looked up."""
    chain = []
    while area is not None:
        chain.append(area.code)
        area = area.parent
    return chain


def officers_area(session: Session, code: str, actor: User) -> Area:
    """An area an officer (admin, or a county officer for its county) sets a policy of."""
    if not actor.is_officer:
        raise Forbidden(_("Your role is not allowed to do this."))
    area = get_area(session, code)
    if not user_sees_area(actor, area.code):
        raise Forbidden(_("This area is not yours."))
    return area
