"""Timed work runs once per period however many schedulers there are, survives a failed or dead
run, and each task does its job."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from core.models import china_today
from jobs.models import FollowUp, Job, Referral, ReferralStatus
from monitoring import scheduler, tasks
from monitoring.models import Alert, RunStatus, TaskRun
from monitoring.tasks import LEASE, TASKS, run_task
from tests.monitoring.conftest import at


def _run(app, name, now, runner="test"):
    with app.app_context():
        try:
            return run_task(db.session, name, app.config, now=now, runner=runner)
        finally:
            db.session.remove()


def test_a_period_runs_once(app, make_household, make_worker):
    make_worker(make_household(monitoring_status="unstable"))
    first = _run(app, "early_warning", at())
    second = _run(app, "early_warning", at() + timedelta(minutes=20))  # the same hour
    assert first.ran and first.summary["monitored_no_work"] == {"raised": 1}
    assert not second.ran and second.holder == "test"
    assert _run(app, "early_warning", at() + timedelta(hours=1)).ran  # the next period


def test_two_schedulers_started_together_run_a_task_once(app, make_household, make_worker):
    for _ in range(3):
        make_worker(make_household(monitoring_status="marginal"))
    start, outcomes = threading.Barrier(4), []

    def scheduler_process(n):
        start.wait()
        outcomes.append(_run(app, "early_warning", at(), runner=f"scheduler-{n}"))

    threads = [threading.Thread(target=scheduler_process, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(o.ran for o in outcomes) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Alert.id))) == 3
        runs = db.session.scalars(select(TaskRun)).all()
        assert [(r.task, r.status) for r in runs] == [("early_warning", RunStatus.done)]


def test_a_failed_run_leaves_nothing_and_is_retried(app, make_household, make_worker, monkeypatch):
    make_worker(make_household(monitoring_status="unstable"))
    real = tasks.early_warning

    def breaks_midway(ctx):
        real(ctx)  # alerts raised in the session …
        raise RuntimeError("database went away")  # … and never committed
    monkeypatch.setitem(TASKS, "early_warning", tasks.Task("early_warning", "", {"minute": 5}, True, breaks_midway))
    with pytest.raises(RuntimeError):
        _run(app, "early_warning", at())
    with app.app_context():
        assert db.session.scalar(select(func.count(Alert.id))) == 0
        assert db.session.scalar(select(TaskRun.status)) is RunStatus.failed
    monkeypatch.setitem(TASKS, "early_warning", tasks.Task("early_warning", "", {"minute": 5}, True, real))
    retried = _run(app, "early_warning", at() + timedelta(minutes=1))
    assert retried.ran and retried.summary["monitored_no_work"] == {"raised": 1}


def test_a_run_that_died_is_taken_over_after_its_lease(app, make_worker, make_job, refer):
    referral_id = refer(make_worker(), make_job())
    with app.app_context():  # unanswered for longer than the reminder wait
        db.session.execute(update(Referral).values(created_at=at(-10)))
        db.session.add(TaskRun(task="referral_sweep", period=TASKS["referral_sweep"].period(at()), runner="killed",
                               started_at=at()))  # a scheduler claimed today's run and was killed midway
        db.session.commit()
    assert not _run(app, "referral_sweep", at() + LEASE - timedelta(minutes=1)).ran  # it may still be working
    taken = _run(app, "referral_sweep", at() + LEASE + timedelta(minutes=1))
    assert taken.ran and taken.summary == {"reminded": 1, "closed": 0}
    with app.app_context():
        assert db.session.get(Referral, referral_id).reminded_at is not None
        assert db.session.scalar(select(TaskRun.runner)) == "test"


def test_the_scheduler_holds_every_task_once_at_a_time(app):
    built = scheduler.build(app)
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == set(TASKS) >= {"early_warning", "rematch", "expire_jobs", "followup_reminders",
                                       "promote_waitlists", "referral_sweep"}
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
    assert str(jobs["rematch"].trigger.timezone) == "Asia/Shanghai"


def test_expire_jobs_closes_postings_past_expiry_and_their_unanswered_referrals(app, make_worker, make_job, refer, run):
    expired, current = make_job(), make_job()
    waiting = refer(make_worker(), expired)
    with app.app_context():
        db.session.execute(update(Job).where(Job.id == expired).values(expires_on=china_today() - timedelta(days=1)))
        db.session.commit()
    assert run("expire_jobs").summary == {"postings closed": 1, "referrals closed": 1}
    with app.app_context():
        assert db.session.get(Job, expired).closed_at is not None
        assert db.session.get(Job, current).closed_at is None
        assert db.session.get(Referral, waiting).status is ReferralStatus.expired
    assert run("expire_jobs").summary == {"postings closed": 0, "referrals closed": 0}


def test_follow_up_reminders_mark_those_falling_due_once(app, make_worker, hire, run):
    referral_id = hire(make_worker())
    assert run("followup_reminders").summary == {"reminded": 0}  # the first is a month away
    assert run("followup_reminders", days=25).summary == {"reminded": 1}
    assert run("followup_reminders", days=26).summary == {"reminded": 0}
    with app.app_context():
        reminded = db.session.scalars(select(FollowUp.months).where(FollowUp.referral_id == referral_id,
                                                                    FollowUp.reminded_at.is_not(None))).all()
        assert reminded == [1]


def test_promote_waitlists_seats_people_when_seats_free_up(app, make_worker, api_as, run):
    from tests.training.conftest import course_body
    from training.models import Course, Enrollment, EnrollmentStatus
    station = api_as("station", ["640422100200"])
    course = api_as("provider").post("/api/v1/courses", json=course_body(capacity=1)).json["id"]
    statuses = [station.post(f"/api/v1/courses/{course}/enrollments", json={"worker_id": make_worker()}).json["status"]
                for _ in range(3)]
    assert statuses == ["enrolled", "waitlisted", "waitlisted"]
    with app.app_context():  # capacity raised outside the services (an import, a fix by hand)
        db.session.execute(update(Course).where(Course.id == course).values(capacity=2))
        db.session.commit()
    assert run("promote_waitlists").summary == {"seated": 1}
    assert run("promote_waitlists").summary == {"seated": 0}
    with app.app_context():
        counted = db.session.execute(select(Enrollment.status, func.count()).group_by(Enrollment.status)).all()
        assert dict(counted) == {EnrollmentStatus.enrolled: 2, EnrollmentStatus.waitlisted: 1}


def test_rematch_counts_demand_and_plans_each_station_area(app, make_worker, make_household, make_job, make_user,
                                                           run):
    from matching.models import PlanSummary
    make_user("station", ["640422100200"])
    make_worker(make_household(monitoring_status="unstable"), max_commute_km=50)
    make_worker(make_household(), max_commute_km=50)
    make_job(lat=35.96, lon=105.74, required_skills=[], openings=1)
    assert run("rematch").summary == {"postings counted": 1, "areas planned": 1}
    with app.app_context():
        summary = db.session.get(PlanSummary, "640422100200")
        assert (summary.households_total, summary.households_covered, summary.placements) == (2, 1, 1)


def test_tasks_from_the_command_line(app):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["tasks", "list"])
    assert listed.exit_code == 0 and "early_warning" in listed.output and "never run" in listed.output
    first = runner.invoke(args=["tasks", "run", "early_warning"])
    again = runner.invoke(args=["tasks", "run", "early_warning"])
    assert first.exit_code == 0 and "monitored_no_work" in first.output
    assert again.exit_code == 0 and "nothing done" in again.output
    unknown = runner.invoke(args=["tasks", "run", "coffee"])
    assert unknown.exit_code != 0 and "early_warning" in unknown.output


def test_a_reminded_follow_up_is_on_the_stations_list_before_it_falls_due(app, login_as, make_worker, hire, run):
    from tests.conftest import VILLAGE
    hire(make_worker())
    page = login_as("station", [VILLAGE])
    assert 'class="follow-up-card"' not in page.get("/referrals").get_data(as_text=True)  # a month away
    with app.app_context():  # the reminder ran a few days before the follow-up falls due
        db.session.execute(update(FollowUp).where(FollowUp.months == 1).values(
            due_on=china_today() + timedelta(days=5)))
        db.session.commit()
    run("followup_reminders")
    html = page.get("/referrals").get_data(as_text=True)
    assert html.count('class="follow-up-card"') == 1 and 'class="badge badge-warn reminded"' in html
