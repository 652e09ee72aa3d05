"""The needs survey and township demand, the subsidy ledger, and what courses led to."""
import io
from datetime import time, timedelta

from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook
from sqlalchemy import select, update

from core.extensions import db
from core.models import china_today
from registry.models import EmploymentSpell
from tests.conftest import FAR_VILLAGE, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.training.conftest import course_body
from training.models import Course, CourseSession, Enrollment


def test_wishes_are_counted_by_skill_and_township_within_my_areas(api_as, make_worker, make_household):
    station, county = api_as("station", [VILLAGE]), api_as("county", ["640422000000"])
    a, b = make_worker(), make_worker()
    c = make_worker(make_household(OTHER_VILLAGE))
    far = make_worker(make_household(FAR_VILLAGE))
    assert station.post(f"/api/v1/workers/{a}/training-wishes", json={"name": "电焊", "mode": "night"}).status_code == 201
    assert station.post(f"/api/v1/workers/{b}/training-wishes", json={"name": "焊工"}).status_code == 201
    again = station.post(f"/api/v1/workers/{b}/training-wishes", json={"name": "焊工"})
    assert again.status_code == 409 and "name" in again.json["error"]["fields"]
    assert station.post(f"/api/v1/workers/{c}/training-wishes", json={"name": "焊工"}).status_code == 404
    me = api_as("worker", worker_id=c)
    assert me.post(f"/api/v1/workers/{c}/training-wishes", json={"name": "养老护理"}).status_code == 201
    api_as("admin").post(f"/api/v1/workers/{far}/training-wishes", json={"name": "焊工"})
    api_as("provider").post("/api/v1/courses", json=course_body(capacity=12))

    mine = {(d["skill"], d["township_code"]): (d["people"], d["seats"])
            for d in station.get("/api/v1/training/demand").json["items"]}
    assert mine == {("焊工", TOWNSHIP): (2, 12)}  # 电焊 and 焊工 are the same skill; other villages not mine
    whole_county = county.get("/api/v1/training/demand").json["items"]
    assert [(d["skill"], d["people"]) for d in whole_county] == [("焊工", 2), ("养老护理员", 1)]
    # a provider reads every township's counts (nobody is named in them)
    assert sorted(d["people"] for d in api_as("provider").get("/api/v1/training/demand").json["items"]) == [1, 1, 2]


def test_subsidy_is_days_attended_times_the_daily_rate_per_person_and_household(
        app, api_as, make_worker, make_household, running_course):
    provider, cid = running_course(sessions=1, subsidy_per_day=40, capacity=5)
    household = make_household()
    father, daughter, neighbour = make_worker(household), make_worker(household), make_worker()
    station = api_as("station", [VILLAGE])
    enrolled = [station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": w}).json["id"]
                for w in (father, daughter, neighbour)]
    with app.app_context():  # a second session, the day before, for two days attended
        db.session.execute(update(Course).where(Course.id == cid).values(starts_on=china_today() - timedelta(days=1)))
        db.session.add(CourseSession(course_id=cid, day=china_today() - timedelta(days=1), starts_at=time(19),
                                     ends_at=time(21)))
        db.session.commit()
    sessions = provider.get(f"/api/v1/courses/{cid}").json["sessions"]
    provider.put(f"/api/v1/sessions/{sessions[0]['id']}/attendance", json={"present": enrolled[:2]})
    provider.put(f"/api/v1/sessions/{sessions[1]['id']}/attendance", json={"present": enrolled})

    ledger = station.get("/api/v1/training/subsidies").json
    people = {line["worker_id"]: (line["days"], line["amount"]) for line in ledger["people"]}
    assert people == {father: (2, 80), daughter: (2, 80), neighbour: (1, 40)}
    households = {line["household_code"]: (line["people"], line["amount"]) for line in ledger["households"]}
    assert households[household] == (2, 160) and ledger["total"] == 200
    assert api_as("station", [OTHER_VILLAGE]).get("/api/v1/training/subsidies").json["total"] == 0

    export = station.get("/api/v1/training/subsidies/export")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    by_person = list(book["按人"].iter_rows(values_only=True))
    assert by_person[-1][0] == "合计" and by_person[-1][-1] == 200
    by_household = {row[0]: row[-1] for row in book["按户"].iter_rows(min_row=2, values_only=True)}
    assert by_household[household] == 160


def test_employment_after_completion_is_shown_only_for_large_enough_groups(app, api_as, make_worker):
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    cid = provider.post("/api/v1/courses", json=course_body(capacity=10)).json["id"]
    workers = [make_worker() for _ in range(6)]
    enrolments = [station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": w}).json["id"]
                  for w in workers]
    for eid in enrolments:
        provider.post(f"/api/v1/enrollments/{eid}/complete", json={"passed": True})
    finished = china_today() - relativedelta(months=4)
    with app.app_context():
        db.session.execute(update(Enrollment).values(completed_on=finished))
        # four of them found work a month after the course and still have it; one worked only briefly
        for worker_id in workers[:4]:
            db.session.execute(update(EmploymentSpell).where(EmploymentSpell.worker_id == worker_id)
                               .values(started_on=finished - timedelta(days=30), ended_on=finished + timedelta(days=30)))
            db.session.add(EmploymentSpell(worker_id=worker_id, status="local",
                                           started_on=finished + timedelta(days=30)))
        db.session.add(EmploymentSpell(worker_id=workers[4], status="local", started_on=finished,
                                       ended_on=finished + timedelta(days=40)))
        db.session.commit()
    summary = station.get(f"/api/v1/courses/{cid}/outcomes").json
    three, six = summary["employment"]
    assert (three["months"], three["eligible"], three["employed"]) == (3, 6, 4)
    assert abs(three["share"] - 4 / 6) < 1e-9 and not three["suppressed"]
    assert (six["eligible"], six["employed"], six["suppressed"]) == (0, None, True)  # six months not yet passed

    with app.app_context():  # one fewer completer than the minimum group: nothing is shown
        db.session.execute(update(Enrollment).where(Enrollment.id.in_(enrolments[:2])).values(status="failed"))
        db.session.commit()
    three = station.get(f"/api/v1/courses/{cid}/outcomes").json["employment"][0]
    assert (three["eligible"], three["employed"], three["share"], three["suppressed"]) == (4, None, None, True)


def test_the_registry_keeps_each_workers_employment_history(app, api_as, make_worker):
    station = api_as("station", [VILLAGE])
    worker = make_worker()
    assert station.patch(f"/api/v1/workers/{worker}", json={"employment_status": "local"}).status_code == 200
    station.patch(f"/api/v1/workers/{worker}", json={"expected_wage": 4000})  # not a change of status
    station.patch(f"/api/v1/workers/{worker}", json={"employment_status": "unemployed"})
    with app.app_context():
        spells = db.session.scalars(select(EmploymentSpell).where(EmploymentSpell.worker_id == worker)
                                    .order_by(EmploymentSpell.id)).all()
        assert [(s.status.name, s.ended_on is None) for s in spells] == [
            ("unemployed", False), ("local", False), ("unemployed", True)]
        assert spells[0].started_on == china_today()
