"""Each early-warning rule fires on what it is about and stays quiet otherwise; running the
rules again raises nothing twice; a closed alert opens again only for a new event."""
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import china_today
from jobs.models import LeaveReason, Referral
from monitoring.models import Alert, AlertEvent
from tests.monitoring.conftest import ADMIN


def test_a_household_whose_last_job_ends_is_warned_at_once(app, make_household, make_worker, hire, leave, run, alerts_of):
    household = make_household()
    worker = make_worker(household)
    referral = hire(worker)
    run()
    assert "employment_lost" not in alerts_of(household)
    leave(referral, LeaveReason.closure)
    run()
    assert alerts_of(household)["employment_lost"] == ("high", "open", 1)


def test_no_warning_while_someone_else_in_the_household_works(app, make_household, make_worker, hire, leave, run,
                                                              alerts_of):
    household = make_household()
    first, second = make_worker(household), make_worker(household, birth="19900101")
    hire(second)
    leave(hire(first), LeaveReason.closure)
    run()
    assert "employment_lost" not in alerts_of(household)


def test_a_job_lost_long_ago_is_history_not_news(app, make_household, make_worker, hire, leave, run, alerts_of):
    household = make_household()
    leave(hire(make_worker(household)), LeaveReason.closure)
    run(days=app.config["ALERT_LOOKBACK_DAYS"] + 1)
    assert "employment_lost" not in alerts_of(household)


def test_monitored_households_with_nobody_in_work(app, make_household, make_worker, hire, run, alerts_of):
    idle = make_household(monitoring_status="unstable")
    make_worker(idle)
    working = make_household(monitoring_status="marginal")
    hire(make_worker(working))
    unable = make_household(monitoring_status="sudden_hardship")
    make_worker(unable, employment_status="unable")
    make_worker(unable, birth="19500101", labour_ability="none")
    pupil_only = make_household(monitoring_status="marginal")  # a pupil of 17 and a grandmother of 70
    make_worker(pupil_only, birth=f"{china_today().year - 17}0101", school_stage="senior")
    make_worker(pupil_only, birth=f"{china_today().year - 70}0101")
    ordinary = make_household()
    make_worker(ordinary)
    run()
    assert alerts_of(idle) == {"monitored_no_work": ("high", "open", 1)}
    assert alerts_of(working) == {}
    assert alerts_of(unable) == {}  # nobody there can work: a matter for social assistance, not jobs
    assert alerts_of(pupil_only) == {}  # nobody of working age out of school
    assert alerts_of(ordinary) == {}


def test_leaving_for_adaptation_warns_relocated_households_most(app, make_household, make_worker, hire, leave, run,
                                                                alerts_of):
    relocated = make_household(relocated=True, resettlement_site="兴隆安置区")
    staying = make_household()
    other_reason = make_household()
    for household, reason in ((relocated, LeaveReason.adaptation), (staying, LeaveReason.adaptation),
                              (other_reason, LeaveReason.contract_end)):
        make_worker(household, birth="19900101")  # someone else at home, also out of work
        leave(hire(make_worker(household)), reason)
    run()
    assert alerts_of(relocated)["placement_ended_adaptation"] == ("high", "open", 1)
    assert alerts_of(staying)["placement_ended_adaptation"] == ("medium", "open", 1)
    assert "placement_ended_adaptation" not in alerts_of(other_reason)


def test_a_follow_up_not_done_a_week_after_it_fell_due(app, make_household, make_worker, hire, run, alerts_of):
    household = make_household()
    referral_id = hire(make_worker(household))
    with app.app_context():
        due = db.session.get(Referral, referral_id).follow_ups[0].due_on
    grace = app.config["FOLLOW_UP_GRACE_DAYS"]
    run(days=(due - china_today()).days + grace)
    assert "follow_up_overdue" not in alerts_of(household)
    run(days=(due - china_today()).days + grace + 1)
    assert alerts_of(household)["follow_up_overdue"] == ("medium", "open", 1)


def test_a_follow_up_done_raises_nothing(app, make_household, make_worker, hire, run, alerts_of):
    from jobs import referral_lifecycle
    household = make_household()
    referral_id = hire(make_worker(household))
    with app.test_request_context():
        follow_up = db.session.get(Referral, referral_id).follow_ups[0]
        referral_lifecycle.record_follow_up(db.session, follow_up, {"still_employed": True, "wage": 3800}, ADMIN)
        db.session.commit()
    run(days=60)
    assert "follow_up_overdue" not in alerts_of(household)


def test_dropping_out_of_a_course_that_has_begun(app, make_household, make_worker, running_course, api_as, run,
                                                 alerts_of):
    from tests.training.conftest import course_body
    station = api_as("station", ["640422100200"])
    dropped, cancelled = make_household(), make_household()
    _provider, started = running_course()
    later = api_as("provider").post("/api/v1/courses", json=course_body()).json["id"]
    for household, course in ((dropped, started), (cancelled, later)):
        enrolment = station.post(f"/api/v1/courses/{course}/enrollments", json={"worker_id": make_worker(household)})
        assert station.post(f"/api/v1/enrollments/{enrolment.json['id']}/withdraw").status_code == 200
    run()
    assert alerts_of(dropped)["trainee_dropped_out"] == ("medium", "open", 1)
    assert "trainee_dropped_out" not in alerts_of(cancelled)  # withdrew before the course began


def test_a_public_welfare_post_about_to_end_unrenewed(app, make_household, make_worker, hire, run, alerts_of, api_as):
    household = make_household(monitoring_status="marginal", lifted_out=True)
    referral_id = hire(make_worker(household), public_welfare=True, title="护林员", required_skills=[])
    with app.app_context():
        ends = db.session.get(Referral, referral_id).term_ends_on
    assert ends == china_today().replace(year=china_today().year + 1) or ends > china_today() + timedelta(days=360)
    notice = app.config["WELFARE_NOTICE_DAYS"]
    run(days=(ends - china_today()).days - notice - 1)
    assert "welfare_post_not_renewed" not in alerts_of(household)
    run(days=(ends - china_today()).days - notice)
    assert alerts_of(household)["welfare_post_not_renewed"] == ("high", "open", 1)  # a monitored household

    # renewed for another year: quiet until the new end comes near, then a new event on the same alert
    station = api_as("station", ["640422100200"])
    renewed = station.post(f"/api/v1/referrals/{referral_id}/renewal",
                           json={"until": (ends + timedelta(days=365)).isoformat()})
    assert renewed.status_code == 200, renewed.json
    run(days=(ends - china_today()).days - notice + 5)
    assert alerts_of(household)["welfare_post_not_renewed"] == ("high", "open", 1)
    run(days=(ends - china_today()).days + 365 - notice)
    assert alerts_of(household)["welfare_post_not_renewed"] == ("high", "open", 2)


def test_running_the_rules_again_raises_nothing_twice(app, make_household, make_worker, hire, leave, run):
    for status in ("unstable", "marginal", "none"):
        household = make_household(monitoring_status=status)
        make_worker(household, birth="19900101")
        leave(hire(make_worker(household)), LeaveReason.adaptation)
    first = run()
    assert sum(c.get("raised", 0) for c in first.summary.values()) == 6
    second = run()
    assert all(counts == {} for counts in second.summary.values())
    with app.app_context():
        assert db.session.scalar(select(func.count(Alert.id))) == 6
        assert db.session.scalar(select(func.count(AlertEvent.id))) == 6


def test_a_closed_alert_reopens_only_for_a_new_event(app, make_household, make_worker, hire, leave, run, alerts_of,
                                                     api_as):
    household = make_household()
    worker = make_worker(household)
    leave(hire(worker), LeaveReason.closure)
    run()
    station = api_as("station", ["640422100200"])
    alert = station.get("/api/v1/alerts", query_string={"open": "true"}).json["items"][0]
    station.post(f"/api/v1/alerts/{alert['id']}/actions", json={"kind": "referral", "note": "推荐到扶贫车间"})
    assert station.post(f"/api/v1/alerts/{alert['id']}/close", json={"note": "已推荐"}).status_code == 200
    run()
    assert alerts_of(household)["employment_lost"] == ("high", "closed", 1)  # the same loss: stays closed

    leave(hire(worker), LeaveReason.closure)  # hired again, and that job ends too: news
    run()
    assert alerts_of(household)["employment_lost"] == ("high", "open", 2)
    reopened = station.get(f"/api/v1/alerts/{alert['id']}").json
    assert reopened["reopened_count"] == 1 and reopened["status"] == "open"
