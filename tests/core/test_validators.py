"""Resident ID numbers (GB 11643) and phones."""
from datetime import date

import pytest
from flask_babel import force_locale

from core.validators import check_id_number, normalise_phone
from tests.conftest import id_number


@pytest.fixture(autouse=True)
def _ctx(ctx):
    """Messages are translated: read them in English here (the Chinese ones are for users)."""
    with force_locale("en"):
        yield


def test_x_check_digit_is_valid_in_either_case():
    number = next(id_number("19491231", s, "110105") for s in range(200)
                  if id_number("19491231", s, "110105").endswith("X"))
    assert check_id_number(number).number == number
    assert check_id_number(number.lower()).number == number


def test_birth_date_and_sex_come_from_the_number():
    man, woman = check_id_number(id_number("19880808", 1)), check_id_number(id_number("19880808", 2))
    assert man.birth_date == date(1988, 8, 8) and man.sex == "male"
    assert woman.sex == "female"


def test_29_february_only_in_leap_years():
    assert check_id_number(id_number("20000229", 3)).birth_date == date(2000, 2, 29)
    assert check_id_number(id_number("19960229", 3)).birth_date == date(1996, 2, 29)
    for birth in ("19000229", "20010229"):
        with pytest.raises(ValueError, match="birth date"):
            check_id_number(id_number(birth, 3))


def test_recoded_county_is_valid_although_the_code_is_newer_than_the_person():
    # 西吉县 has had the code 640422 only since 2001; people born before were issued it too.
    resident = check_id_number(id_number("19900101", 7, "640422"))
    assert resident.birth_date == date(1990, 1, 1)
    assert resident.area_known_at_birth is False


def test_bad_checksum_is_refused():
    good = id_number("19880808", 1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValueError, match="check digit"):
        check_id_number(bad)


@pytest.mark.parametrize("birth", ["19881332", "19881301", "19880000", "19880431"])
def test_impossible_dates_are_refused(birth):
    with pytest.raises(ValueError, match="birth date"):
        check_id_number(id_number(birth, 1))


def test_birth_in_the_future_is_refused():
    with pytest.raises(ValueError, match="impossible"):
        check_id_number(id_number("20991231", 1), today=date(2026, 11, 29))


@pytest.mark.parametrize("value", ["", "64042219880808001", "6404221988080800111", "64042219880808001A", "abc"])
def test_wrong_shape_is_refused(value):
    with pytest.raises(ValueError, match="18 characters"):
        check_id_number(value)


@pytest.mark.parametrize("raw, clean", [("138 9500 0001", "13895000001"), ("+8613895000001", "13895000001"),
                                        ("0954-1234567", "09541234567")])
def test_phones_are_normalised(raw, clean):
    assert normalise_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345", "23895000001", "1389500000", "phone"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw)
