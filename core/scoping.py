"""Area scoping: a station or county user sees and changes only what lies inside their areas.

Area codes are 12 digits at every level; an area's *prefix* is the part that identifies it
(6 digits for a county, 9 for a township, all 12 for a village), so "inside" is a prefix test that
both SQLite and PostgreSQL answer from an index.
"""
from sqlalchemy import false, or_, true

from core.models import User


def area_prefix(code: str) -> str:
    if code.endswith("000000"):
        return code[:6]
    if code.endswith("000"):
        return code[:9]
    return code


def is_inside(code: str, container: str) -> bool:
    return code.startswith(area_prefix(container))


def user_prefixes(user: User) -> list[str] | None:
    """None means everywhere; an empty list means nowhere."""
    if user.sees_every_area:
        return None
    if user.is_area_staff:
        return [area_prefix(c) for c in user.area_codes]
    return []


def user_sees_area(user: User, code: str) -> bool:
    prefixes = user_prefixes(user)
    return prefixes is None or any(code.startswith(p) for p in prefixes)


def scope_clause(user: User, column):
    """A WHERE clause restricting an area-code column to the user's areas."""
    prefixes = user_prefixes(user)
    if prefixes is None:
        return true()
    if not prefixes:
        return false()
    return or_(*(column.like(p + "%") for p in prefixes))


def within_clause(code: str, column):
    return column.like(area_prefix(code) + "%")
