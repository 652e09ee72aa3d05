"""Who may work is written twice, on purpose: `Worker.may_work` in Python (pages, referrals, the
rules) and `registry.search.may_work` in SQL (the matcher's pool, the labour-force figures). Here
they are asked about the same people on the same days, one by one: every combination of ability,
employment and school stage, born on the days around the 16th and 66th birthdays and on 29
February, on ordinary days and on leap days. They must never disagree."""
from datetime import date, timedelta
from itertools import product

import pytest
from sqlalchemy import select

import registry.models
from core.extensions import db
from registry.models import EmploymentStatus, Household, LabourAbility, SchoolStage, Sex, Worker
from registry.search import may_work

DAYS = [date(2026, 12, 5), date(2028, 2, 29), date(2027, 2, 28), date(2027, 3, 1)]


def births_around(today: date) -> list[date]:
    """The days around the 16th and the 66th birthday, a few in between, and leap days."""
    def years_before(years: int) -> date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:
            return today.replace(year=today.year - years, day=28)
    edges = [years_before(16), years_before(66)]
    around = [edge + timedelta(days=d) for edge in edges for d in (-1, 0, 1)]
    return around + [years_before(30), years_before(10), date(2008, 2, 29), date(1960, 2, 29), date(1961, 3, 1)]


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_python_and_the_sql_rule_agree_person_by_person(app, make_household, monkeypatch, today):
    monkeypatch.setattr(registry.models, "china_today", lambda: today)
    code = make_household()
    people = list(product(births_around(today), LabourAbility, EmploymentStatus, SchoolStage))
    with app.app_context():
        household = db.session.scalar(select(Household).where(Household.code == code))
        for n, (birth, ability, status, stage) in enumerate(people):
            db.session.add(Worker(household=household, name=f"测{n}", name_pinyin="ce", name_initials="c",
                                  id_number_enc=b"x", id_number_hash=f"h{n}", id_number_masked="x", birth_date=birth,
                                  sex=Sex.male, labour_ability=ability, employment_status=status, school_stage=stage))
        db.session.flush()
        by_sql = set(db.session.scalars(select(Worker.id).where(Worker.household_id == household.id, *may_work(today))))
        workers = db.session.scalars(select(Worker).where(Worker.household_id == household.id)).all()
        by_python = {w.id for w in workers if w.may_work}
        disagreeing = [(w.birth_date, w.labour_ability.name, w.employment_status.name, w.school_stage.name)
                       for w in workers if (w.id in by_sql) != (w.id in by_python)]
        assert disagreeing == []
        assert by_python and len(by_python) < len(workers)  # both answers occur
        db.session.rollback()
