"""Where people act, an employer under an open wage-arrears complaint takes nobody (issue 18): its
postings leave the public board, a villager's application is refused in their words, its own
invitations are refused, and a station refers only past the rule with a written reason, which is
audited. Resolving the complaint opens it all again; a safety complaint changes nothing here."""
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from jobs.models import Referral
from tests.conftest import VILLAGE, csrf_token
from tests.jobs.conftest import count


def complain(api_as, employer, kind="wage_arrears") -> int:
    filed = api_as("station", [VILLAGE]).post(f"/api/v1/employers/{employer}/complaints",
                                              json={"kind": kind, "description": "拖欠两个月工资"})
    assert filed.status_code == 201, filed.json
    return filed.json["id"]


def board_titles(client) -> set[str]:
    return {j["title"] for j in client.get("/api/v1/public/jobs").json["items"]}


def test_the_public_board_drops_its_postings_until_the_complaint_is_resolved(client, api_as, make_employer, make_job):
    bricks, safe = make_employer(), make_employer()
    make_job(bricks, title="制砖工"), make_job(safe, title="搬运工")
    complaint = complain(api_as, bricks)
    complain(api_as, safe, kind="safety")
    assert board_titles(client) == {"搬运工"}
    assert "制砖工" not in client.get("/board").get_data(as_text=True)
    assert api_as("county", ["640422000000"]).post(f"/api/v1/complaints/{complaint}/resolve",
                                                   json={"resolution": "工资已结清"}).status_code == 200
    assert board_titles(client) == {"制砖工", "搬运工"}


def test_a_villager_is_told_why_and_the_employer_cannot_invite(app, api_as, login_as, make_employer, make_job,
                                                              make_worker):
    bricks = make_employer()
    job, earlier = make_job(bricks, title="制砖工"), make_job(bricks, title="装卸工")
    me = make_worker(name="马成")
    assert api_as("station", [VILLAGE]).post("/api/v1/referrals", json={"worker_id": me, "job_id": earlier}
                                             ).status_code == 201  # within the employer's reach since
    complain(api_as, bricks)
    page = login_as("worker", worker_id=me)
    html = page.get(f"/jobs/{job}").get_data(as_text=True)
    answer = page.post(f"/jobs/{job}/my-application", data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    assert "欠薪" in answer.get_data(as_text=True) or "owes wages" in answer.get_data(as_text=True)
    invited = api_as("employer", employer_id=bricks).post("/api/v1/referrals", json={"worker_id": me, "job_id": job})
    assert invited.status_code == 422 and count(app, Referral) == 1


def test_a_station_refers_only_past_the_rule_with_a_reason(app, api_as, make_employer, make_job, make_worker):
    bricks = make_employer()
    job, worker = make_job(bricks, title="制砖工"), make_worker()
    complain(api_as, bricks)
    station = api_as("station", [VILLAGE])
    refused = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": job})
    assert refused.status_code == 422 and "override_reason" in refused.json["error"]["fields"]
    made = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": job,
                                                   "override_reason": "工资已当面结清，等县里核实"})
    assert made.status_code == 201
    with app.app_context():
        override = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "override"))
        assert override is not None and "工资已当面结清" in override.detail
