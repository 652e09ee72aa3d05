"""The demonstration county shows every programme of issue 18 on `make run`: an order course
feeding its posting, an on-the-job posting with trainees whose months have passed (their skill
learnt, their months paid), hiring subsidy lines, a wage-arrears complaint keeping a posting from
everyone, an employment certificate that checks out, and published stories on the board; loading
again adds nothing."""
from sqlalchemy import func, select

from core.extensions import db
from jobs.models import Complaint, ComplaintKind, EmployerSubsidy, EmploymentCertificate, Job, SubsidyKind
from registry.models import Exemplar, WorkerSkill
from tests.conftest import csrf_token
from training.models import Course


def counts() -> dict:
    return {
        "order courses": db.session.scalar(select(func.count(Course.id)).where(Course.job_id.is_not(None))),
        "on-the-job postings": db.session.scalar(select(func.count(Job.id)).where(Job.trains_on_job.is_(True))),
        "hiring lines": db.session.scalar(select(func.count(EmployerSubsidy.id)).where(
            EmployerSubsidy.kind == SubsidyKind.hiring)),
        "on-the-job lines": db.session.scalar(select(func.count(EmployerSubsidy.id)).where(
            EmployerSubsidy.kind == SubsidyKind.on_the_job)),
        "open wage arrears": db.session.scalar(select(func.count(Complaint.id)).where(
            Complaint.kind == ComplaintKind.wage_arrears, Complaint.resolved_at.is_(None))),
        "certificates": db.session.scalar(select(func.count(EmploymentCertificate.id))),
        "published": db.session.scalar(select(func.count(Exemplar.id)).where(Exemplar.published_at.is_not(None))),
        "learnt on the job": db.session.scalar(select(func.count(WorkerSkill.id)).where(
            WorkerSkill.certified.is_(False), WorkerSkill.name == "缝纫")),
    }


def test_the_demo_shows_every_programme_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--households", "300"])
    assert first.exit_code == 0, first.output
    assert "programmes demo:" in first.output
    with app.app_context():
        shown = counts()
        code = db.session.scalar(select(EmploymentCertificate.code))
    assert shown["order courses"] == 1 and shown["on-the-job postings"] == 1 and shown["open wage arrears"] == 1
    assert shown["hiring lines"] > 0 and shown["on-the-job lines"] > 0 and shown["learnt on the job"] > 0
    assert shown["certificates"] == 1 and shown["published"] >= 3
    client = app.test_client()
    assert client.get(f"/verify/{code}").status_code == 200  # the certificate checks out, without signing in
    board = client.get("/board").get_data(as_text=True)
    assert "从搬迁户到车间组长" in board  # a published story on the public board
    station = app.test_client()
    token = csrf_token(station.get("/login").get_data(as_text=True))
    station.post("/login", data={"username": "station", "password": "demo-station-2026", "csrf_token": token})
    assert "马小梅" in station.get("/exemplars").get_data(as_text=True)  # the demo station keeps its stories
    again = runner.invoke(args=["demo", "load", "--households", "300"])
    assert again.exit_code == 0 and "programmes demo: already loaded" in again.output
    with app.app_context():
        assert counts() == shown
