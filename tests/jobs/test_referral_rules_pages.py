"""The matcher's rules where people act, on the pages (issue 14, point 4): the station refers past
a broken rule only with a written reason; a villager cannot apply past one."""
from sqlalchemy import select

from core.extensions import db
from jobs.models import Referral
from tests.conftest import VILLAGE, csrf_token
from tests.jobs.conftest import post_form, text_of


def test_the_station_refers_someone_over_the_age_limit_only_with_a_reason(app, login_as, make_worker, make_job):
    older = make_worker(birth="19700101", name="马成")  # 56
    capped = make_job(title="快递员", max_age=50, physical_demand="light")
    page = login_as("station", [VILLAGE])
    url = f"/workers/{older}/referrals"
    refused = post_form(page, url, {"job_id": str(capped)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="override_reason-error"' in html and "56" in html
    with app.app_context():
        assert db.session.scalar(select(Referral)) is None
    asked = post_form(page, url, {"job_id": str(capped), "override_reason": "身体好，用工单位同意"})
    assert asked.status_code == 200 and text_of(asked.get_data(as_text=True), "confirm-override") == "身体好，用工单位同意"
    with app.app_context():
        assert db.session.scalar(select(Referral)) is None
    done = post_form(page, url, {"job_id": str(capped), "override_reason": "身体好，用工单位同意", "confirm": "1"})
    assert done.status_code == 302
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert (referral.job_id, referral.override_reason) == (capped, "身体好，用工单位同意")


def test_a_villager_over_the_age_limit_cannot_apply_from_the_posting(app, login_as, make_worker, make_job):
    older = make_worker(birth="19700101")
    capped = make_job(title="快递员", max_age=50, physical_demand="light")
    page = login_as("worker", worker_id=older)
    html = page.get(f"/jobs/{capped}").get_data(as_text=True)
    answer = page.post(f"/jobs/{capped}/my-application", data={"csrf_token": csrf_token(html)})
    assert answer.status_code == 302
    said = page.get(answer.headers["Location"]).get_data(as_text=True)
    assert "这个岗位不适合您" in said and "16 到 50 岁" in said
    with app.app_context():
        assert db.session.scalar(select(Referral)) is None
