"""The subsidy ledger: days attended × the course's subsidy per attended day, per person and per
household, for the areas (or courses) the user answers for; exportable to .xlsx for the
finance office. Computed from attendance, so it can never disagree with the class registers;
a person is paid once for one day, whatever the courses (see person_lines). The per-person
lines are the one source: the households, the totals and the export add them up."""
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.models import Role, User, china_today
from core.scoping import scope_clause, within_clause
from core.spreadsheets import Spreadsheet
from registry.models import Household, Worker
from registry.services import area_names
from training.models import Attendance, Course, CourseSession, Enrollment


@dataclass(frozen=True)
class PersonLine:
    enrollment_id: int
    worker_id: int
    worker_name: str
    household_code: str
    village: str
    course_id: int
    course_title: str
    days: int
    per_day: int
    last_day: date | None = None  # the last day paid

    @property
    def amount(self) -> int:
        return self.days * self.per_day


@dataclass(frozen=True)
class HouseholdLine:
    household_code: str
    village: str
    people: int
    days: int
    amount: int


def person_lines(session: Session, actor: User, area_code: str | None = None,
                 course_id: int | None = None, household_code: str | None = None) -> list[PersonLine]:
    """One line per enrolment with at least one day paid on it, `days` being the days paid.

    A person is paid at most once for one calendar day, whatever the courses: a day on which the
    person attended sessions of several subsidised courses is paid on the course with the highest
    subsidy per day, ties going to the lowest course id. The day is placed among all of the
    person's courses, whoever reads the ledger and whatever it is filtered by, so a provider's
    lines, a station's lines and the lines of one course never pay a day that another line pays.
    `household_code`: one household's members only (its file's timeline)."""
    paid = _paid_days(_people(actor, area_code, course_id, household_code))
    query = (select(Enrollment.id, Worker.id, Worker.name, Household.code, Household.village_code,
                    Course.id, Course.title, func.count(paid.c.day), Course.subsidy_per_day,
                    func.max(paid.c.day))
             .select_from(paid)
             .join(Enrollment, Enrollment.id == paid.c.enrollment_id)
             .join(Course, Course.id == Enrollment.course_id)
             .join(Worker, Worker.id == Enrollment.worker_id)
             .join(Household, Household.id == Worker.household_id)
             .group_by(Enrollment.id, Worker.id, Worker.name, Household.code, Household.village_code,
                       Course.id, Course.title, Course.subsidy_per_day)
             .order_by(Household.code, Worker.name, Course.id))
    if actor.role is Role.provider:
        query = query.where(Course.provider_user_id == actor.id)
    if course_id is not None:
        query = query.where(Course.id == course_id)
    rows = session.execute(query).all()
    names = area_names(session, {r[4] for r in rows})
    return [PersonLine(r[0], r[1], r[2], r[3], names.get(r[4], r[4]), r[5], r[6], r[7], r[8], r[9]) for r in rows]


def _people(actor: User, area_code: str | None, course_id: int | None, household_code: str | None = None):
    """The ids of the people whose lines the reader may see (a provider: people in their courses;
    staff: people of their areas), narrowed by the filters."""
    people = select(Worker.id).join(Household, Household.id == Worker.household_id)
    if actor.role is Role.provider:
        people = people.where(Worker.id.in_(select(Enrollment.worker_id).join(Course, Course.id == Enrollment.course_id)
                                            .where(Course.provider_user_id == actor.id)))
    else:
        people = people.where(scope_clause(actor, Household.village_code))
    if area_code:
        people = people.where(within_clause(area_code, Household.village_code))
    if course_id is not None:
        people = people.where(Worker.id.in_(select(Enrollment.worker_id).where(Enrollment.course_id == course_id)))
    if household_code is not None:
        people = people.where(Household.code == household_code)
    return people


def _paid_days(people):
    """(enrolment, day) for each day paid to these people: of the person's enrolments with a
    session attended that day in a subsidised course, the first by rate (highest), then course id."""
    rank = func.row_number().over(partition_by=(Enrollment.worker_id, CourseSession.day),
                                  order_by=(Course.subsidy_per_day.desc(), Course.id)).label("rank")
    attended = (select(Enrollment.id.label("enrollment_id"), CourseSession.day.label("day"), rank)
                .join(Attendance, Attendance.enrollment_id == Enrollment.id)
                .join(CourseSession, (CourseSession.id == Attendance.session_id)
                      & (CourseSession.course_id == Enrollment.course_id))
                .join(Course, Course.id == Enrollment.course_id)
                .where(Attendance.present, Course.subsidy_per_day > 0, Enrollment.worker_id.in_(people))
                .subquery())
    return select(attended.c.enrollment_id, attended.c.day).where(attended.c.rank == 1).subquery()


def household_lines(lines: list[PersonLine]) -> list[HouseholdLine]:
    totals: dict[str, dict] = {}
    for line in lines:
        entry = totals.setdefault(line.household_code, {"village": line.village, "people": set(), "days": 0,
                                                        "amount": 0})
        entry["people"].add(line.worker_id)
        entry["days"] += line.days
        entry["amount"] += line.amount
    return [HouseholdLine(code, e["village"], len(e["people"]), e["days"], e["amount"])
            for code, e in sorted(totals.items())]


def export(session: Session, actor: User, area_code: str | None = None,
           course_id: int | None = None) -> tuple[io.BytesIO, str]:
    lines = person_lines(session, actor, area_code, course_id)
    book = Spreadsheet()
    people = book.sheet("按人", ["户编号", "村", "姓名", "培训班", "出勤天数", "每日补贴（元）", "补贴金额（元）"])
    for line in lines:
        people.append([line.household_code, line.village, line.worker_name, line.course_title, line.days,
                       line.per_day, line.amount])
    people.append(["合计", None, None, None, sum(x.days for x in lines), None, sum(x.amount for x in lines)])
    households = book.sheet("按户", ["户编号", "村", "参训人数", "出勤天数", "补贴金额（元）"])
    for line in household_lines(lines):
        households.append([line.household_code, line.village, line.people, line.days, line.amount])
    stream = book.save()
    audit.record(actor, "export", "subsidies", area_code or course_id, detail=f"{len(lines)} lines")
    return stream, f"培训补贴-{area_code or course_id or '全部'}-{china_today().isoformat()}.xlsx"
