"""How many of an employer's hires are still in work six months on (issue 18): no share under five
hires made six months ago; a person who left after seven months counts as kept, one who left after
two as not, and a hire of two months ago not at all. The API, the staff's employer page, the
employers list and the employer's own home say the same."""
import re
from datetime import date

from dateutil.relativedelta import relativedelta

from core.extensions import db
from core.models import china_today
from jobs.models import Referral, ReferralStatus
from tests.conftest import COUNTY, VILLAGE


def months_ago(n: int) -> date:
    return china_today() - relativedelta(months=n)


def _hire(app, referral_id: int, hired_on: date, left_on: date | None = None) -> None:
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        referral.status = ReferralStatus.left if left_on else ReferralStatus.hired
        referral.hired_on, referral.left_on = hired_on, left_on
        db.session.commit()


def hires(app, make_worker, make_job, refer, employer: int, spans) -> None:
    """One person hired per (hired_on, left_on) in `spans`, on a posting of the employer."""
    job = make_job(employer, openings=20)
    for hired_on, left_on in spans:
        _hire(app, refer(make_worker(), job), hired_on, left_on)


FOUR_KEPT_OF_FIVE = [
    (months_ago(8), None), (months_ago(12), None), (months_ago(6), None),  # still there
    (months_ago(9), months_ago(2)),  # left after 7 months: still in work 6 months on
    (months_ago(8), months_ago(6)),  # left after 2 months
    (months_ago(2), None),  # hired 2 months ago: too early to say
]


def test_no_share_under_five_hires_made_six_months_ago(app, api_as, login_as, make_employer, make_worker,
                                                      make_job, refer):
    employer = make_employer()
    hires(app, make_worker, make_job, refer, employer,
          [(months_ago(7), None)] * 4 + [(months_ago(1), None), (months_ago(5), None)])
    assert api_as("station", [VILLAGE]).get(f"/api/v1/employers/{employer}").json["retention_6m"] is None
    html = login_as("station", [VILLAGE]).get(f"/employers/{employer}").get_data(as_text=True)
    shown = re.search(r'id="retention"[^>]*>(.*?)</dd>', html, re.S).group(1)
    assert 'data-share=""' in html and 'data-hires="4"' in html
    assert "录用不足 5 人" in shown or "Fewer than 5 hires" in shown


def test_the_share_still_in_work_six_months_on(app, api_as, login_as, make_employer, make_worker, make_job, refer):
    employer, other = make_employer(), make_employer()
    hires(app, make_worker, make_job, refer, employer, FOUR_KEPT_OF_FIVE)
    hires(app, make_worker, make_job, refer, other, [(months_ago(7), months_ago(6))] * 5)  # nobody kept
    station = api_as("station", [VILLAGE])
    assert station.get(f"/api/v1/employers/{employer}").json["retention_6m"] == 0.8
    assert station.get(f"/api/v1/employers/{other}").json["retention_6m"] == 0.0
    listed = {e["id"]: e["retention_6m"] for e in api_as("admin").get("/api/v1/employers").json["items"]}
    assert listed[employer] == 0.8 and listed[other] == 0.0

    html = login_as("station", [VILLAGE]).get(f"/employers/{employer}").get_data(as_text=True)
    shown = re.search(r'id="retention"[^>]*>(.*?)</dd>', html, re.S).group(1)
    assert 'data-retained="4" data-hires="5"' in html
    assert "80%" in shown and ("5 人中，4 人" in shown or "4 of 5" in shown)

    listing = login_as("county", [COUNTY]).get("/employers").get_data(as_text=True)
    row = re.search(rf'id="employer-{employer}".*?</tr>', listing, re.S).group(0)
    assert re.search(r'class="retention"[^>]*>\s*80%', row)


def test_the_employer_sees_its_own_retention(app, login_as, make_employer, make_worker, make_job, refer):
    employer = make_employer()
    page = login_as("employer", employer_id=employer)
    html = page.get("/employer").get_data(as_text=True)
    assert 'id="retention" data-hires="0" data-retained="0"' in html
    hires(app, make_worker, make_job, refer, employer, FOUR_KEPT_OF_FIVE)
    shown = re.search(r'id="retention"[^>]*>(.*?)</p>', page.get("/employer").get_data(as_text=True), re.S).group(1)
    assert "80%" in shown
