"""Shared validators: resident ID numbers (GB 11643), phones, area codes."""
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask_babel import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

AREA_CODE = re.compile(r"^\d{12}$")
MAX_ID = 2**31 - 1  # the largest key an INTEGER column holds on PostgreSQL
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "male" | "female"
    area_known_at_birth: bool


def check_id_number(value: str, today: date | None = None) -> ResidentId:
    """Validates by length, birth date and checksum; raises ValueError with a reason.

    The 6-digit area code is only a hint: people born before their county was re-coded are
    issued the new code (西吉县 640422 exists from 2001), so an "unknown at birth" area is valid.
    """
    number = ric.compact(value or "")
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError(_("An ID number has 18 characters: 17 digits and a digit or X."))
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise ValueError(_("The birth date in the ID number does not exist.")) from None
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise ValueError(_("The birth date in the ID number is impossible."))
    if ric.calc_check_digit(number) != number[-1]:
        raise ValueError(_("The check digit of the ID number is wrong."))
    sex = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number, birth, sex, _area_known(number[:6], birth.year))


@lru_cache(maxsize=4096)
def _area_known(area: str, year: int) -> bool:
    """Whether the area code existed in the birth year (a hint, never a reason to refuse)."""
    try:
        ric.get_birth_place(f"{area}{year}0101")
        return True
    except StdnumError:
        return False


def normalise_phone(value: str) -> str:
    """A mobile (11 digits from 1[3-9]) or a landline with area code; ValueError otherwise."""
    phone = re.sub(r"[\s()（）]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return phone.replace("-", "")
    raise ValueError(_("Not a valid phone number (11-digit mobile or landline with area code)."))
