"""Reviewing an allocation plan on its page (issue 14): the least fit asked for is honoured and
stated, a poorly fitting row starts unticked, a refused submission comes back with exactly the
ticks that were sent, the summary says what it counts; the referral slips of the people just
referred (one per referral, masked ID number, the employer's contact, where, when, a QR code; no
one else's), and the plan on A4 paper."""
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from jobs.models import Referral
from jobs.views import china_date
from matching import services
from matching.plan_views import TICK_FROM
from tests.conftest import OTHER_VILLAGE, VILLAGE, csrf_token, id_number
from tests.jobs.conftest import text_of
from tests.matching.test_matching_pages import element, near


def checked(html: str) -> set[str]:
    """The pairs ticked on a plan page, as `worker-job`."""
    return set(re.findall(r'<input type="checkbox" name="pair" value="(\d+-\d+)"[^>]*\schecked\b', html))


def boxes(html: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="pair" value="(\d+-\d+)"', html))


@pytest.fixture
def plan_world(make_household, make_worker, make_job):
    """Three households of 团结村, one person each, and a cleaning posting near home with three
    openings for people up to 50 (a fit above half: ticked); a fourth household whose person, 56,
    fits only a posting 20 km away (a fit between 40% and 50%: offered, but unticked)."""
    people = [make_worker(make_household(monitoring_status=status), name=name, max_commute_km=30,
                          id_number=id_number("19900101", n), phone=f"1389511{n:04d}")
              for n, (name, status) in enumerate((("马一", "unstable"), ("马二", "none"), ("马三", "marginal")), 1)]
    job = make_job(title="保洁员", required_skills=[], openings=3, physical_demand="light", address="吉强镇文化广场",
                   max_age=50, **near(1))
    far_person = make_worker(make_household(), name="马远", max_commute_km=30, birth="19700202")
    far_job = make_job(title="护林员", required_skills=[], openings=1, physical_demand="light", **near(20))
    return {"people": people, "job": job, "far_person": far_person, "far_job": far_job}


def test_the_least_fit_is_a_percentage_stated_and_passed_to_the_plan(login_as, plan_world):
    far = f"{plan_world['far_person']}-{plan_world['far_job']}"
    page = login_as("station", [VILLAGE])
    start = page.get("/allocations").get_data(as_text=True)
    default = round(services.MIN_SCORE * 100)
    assert re.search(rf'<input[^>]*id="min_score"[^>]*value="{default}"', start)  # the default, shown
    html = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    assert far in boxes(html)  # fits between 40% and 50%: offered by default
    note = text_of(html, "min-score-note")
    assert f"{default}%" in note and "只安排匹配度不低于" in note
    assert re.search(r'data-min-score="0.4"', html)
    strict = page.get("/allocations", query_string={"area": VILLAGE, "min_score": "50"})
    shown = strict.get_data(as_text=True)
    assert strict.status_code == 200 and far not in boxes(shown) and len(boxes(shown)) == 3
    assert "50%" in text_of(shown, "min-score-note")
    assert re.search(r'<input[^>]*id="min_score"[^>]*value="50"', shown)
    # the print view, the workbook and the refer form carry the same least fit
    assert f'href="/allocations/print?area={VILLAGE}&amp;min_score=50"' in shown
    assert f'href="/allocations.xlsx?area={VILLAGE}&amp;min_score=50"' in shown
    assert 'name="min_score" value="50"' in shown
    printed = page.get(f"/allocations/print?area={VILLAGE}&min_score=50").get_data(as_text=True)
    assert str(plan_world["far_person"]) not in re.findall(r'data-worker-id="(\d+)"', printed)
    for wrong in ("abc", "101", "-5", "40.5"):
        refused = page.get("/allocations", query_string={"area": VILLAGE, "min_score": wrong})
        assert refused.status_code == 422, wrong
        assert 'id="min-score-error"' in refused.get_data(as_text=True) and 'id="plan"' not in refused.get_data(as_text=True)
        assert page.get(f"/allocations/print?area={VILLAGE}&min_score={wrong}").status_code == 400


def test_a_poorly_fitting_row_starts_unticked(login_as, plan_world):
    page = login_as("station", [VILLAGE])
    html = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    far = f"{plan_world['far_person']}-{plan_world['far_job']}"
    row = element(html, f"pair-{far}", "tr")
    score = float(re.search(r'data-score="([\d.]+)"', row).group(1))
    assert services.MIN_SCORE <= score < TICK_FROM and "low-fit" in row
    assert 'autocomplete="off"' in row
    assert checked(html) == {f"{p}-{plan_world['job']}" for p in plan_world["people"]}
    assert 'id="tick-note"' in html


def test_a_refused_submission_comes_back_with_exactly_the_ticks_sent(app, login_as, plan_world):
    first, second, third = plan_world["people"]
    job = plan_world["job"]
    page = login_as("station", [VILLAGE])
    html = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    assert page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE,
                                           "pair": [f"{first}-{job}"]}).status_code == 302
    # the first again (refused), the second; the third unticked, the far one ticked on purpose
    far = f"{plan_world['far_person']}-{plan_world['far_job']}"
    sent = {f"{first}-{job}", f"{second}-{job}", far}
    again = page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE, "pair": sorted(sent)})
    assert again.status_code == 409
    shown = again.get_data(as_text=True)
    assert checked(shown) == sent
    assert f"{third}-{job}" in boxes(shown)  # its row is there, unticked
    assert 'data-submitted="yes"' in shown
    # nothing ticked: shown with nothing ticked
    nothing = page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE})
    assert nothing.status_code == 422 and checked(nothing.get_data(as_text=True)) == set()
    # a fresh plan (GET) is ticked by fit again, the referred pair unticked
    fresh = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    assert checked(fresh) == {f"{second}-{job}", f"{third}-{job}"} and 'data-submitted="no"' in fresh
    # the browser keeps the reviewer's ticks across reloads: a script of our own origin
    assert '<script src="/static/js/plan.js" defer></script>' in fresh
    script = page.get("/static/js/plan.js").get_data(as_text=True)
    assert "sessionStorage" in script
    with app.app_context():
        assert set(db.session.execute(select(Referral.worker_id, Referral.job_id)).all()) == {(first, job)}


def test_the_summary_says_what_it_counts(login_as, plan_world):
    page = login_as("station", [VILLAGE])
    html = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    assert text_of(html, "coverage-label") == "无人就业的家庭有人被安排"
    assert (text_of(html, "households-covered"), text_of(html, "households-total")) == ("4", "4")
    assert text_of(html, "assignment-count") == "4"
    note = text_of(html, "coverage-note")
    assert "无人就业" in note and "4" in note
    assert "获得岗位推荐" not in html  # the old, wrong label
    printed = page.get(f"/allocations/print?area={VILLAGE}").get_data(as_text=True)
    assert "无人就业" in text_of(printed, "coverage")


def slips_of(html: str) -> list[str]:
    return re.findall(r'<article class="slip" id="slip-\d+".*?</article>', html, re.S)


def test_referring_offers_the_slips_of_the_people_just_referred(app, login_as, plan_world):
    first, second, third = plan_world["people"]
    job = plan_world["job"]
    page = login_as("station", [VILLAGE], display_name="团结村劳保站")
    html = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    done = page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE,
                                           "pair": [f"{first}-{job}", f"{second}-{job}"]})
    assert done.status_code == 302
    after = page.get(done.headers["Location"]).get_data(as_text=True)
    offer = element(after, "slips-offer", "p")
    link = re.search(r'href="(/allocations/slips\?ids=[^"]+)"', offer).group(1).replace("&amp;", "&")
    with app.app_context():
        made = {r.worker_id: r for r in db.session.scalars(select(Referral))}
        dates = {w: china_date(r.created_at) for w, r in made.items()}
        ids = sorted(r.id for r in made.values())
    assert sorted(int(x) for x in re.search(r"ids=([\d,%C]+)", link).group(1).replace("%2C", ",").split(",")) == ids
    response = page.get(link)
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    slips = slips_of(shown)
    assert len(slips) == 2
    for worker, slip, n in zip((first, second), sorted(slips, key=lambda s: int(re.search(r'data-worker-id="(\d+)"', s).group(1))), (1, 2)):
        assert f'data-worker-id="{worker}"' in slip
        full = id_number("19900101", n)
        assert full not in shown  # never the full ID number
        assert re.search(r'class="slip-id">([^<]+)<', slip).group(1) == full[:6] + "*" * 10 + full[-2:]
        assert "李经理" in slip and "13800000000" in slip  # the employer's contact
        assert "吉强镇文化广场" in re.search(r'class="slip-address">([^<]+)<', slip).group(1)  # the work address
        assert "吉强镇" in re.search(r'class="slip-area">([^<]+)<', slip).group(1)  # the area
        assert dates[worker] in slip and "团结村劳保站" in slip
        assert "保洁员" in slip and re.search(r'class="slip-household">H\d{4}<', slip)
        assert "<svg" in slip and 'class="qr"' in slip
        assert f"/jobs/{job}" in re.search(r'data-url="([^"]+)"', slip).group(1)
    assert "1389511" not in shown  # nor the person's phone


def test_slips_of_another_stations_referral_are_not_found(app, login_as, plan_world, make_household, make_worker,
                                                          refer):
    mine = refer(plan_world["people"][0], plan_world["job"])
    stranger = make_worker(make_household(OTHER_VILLAGE), name="外村人", max_commute_km=30)
    theirs = refer(stranger, plan_world["job"])
    page = login_as("station", [VILLAGE])
    assert page.get(f"/allocations/slips?ids={mine}").status_code == 200
    for ids in (f"{theirs}", f"{mine},{theirs}"):
        refused = page.get(f"/allocations/slips?ids={ids}")
        assert refused.status_code == 404 and "外村人" not in refused.get_data(as_text=True)
    assert page.get("/allocations/slips?ids=").status_code == 400
    assert page.get("/allocations/slips?ids=1,x").status_code == 400
    assert page.get("/allocations/slips?ids=" + ",".join(str(n) for n in range(1, 202))).status_code == 400
    assert page.get("/allocations/slips?ids=999999").status_code == 404
    for role in ("employer", "worker", "provider"):
        assert login_as(role).get(f"/allocations/slips?ids={mine}").status_code == 403
    assert app.test_client().get(f"/allocations/slips?ids={mine}").status_code == 302  # sign in first


def test_the_plan_prints_on_a4_portrait(login_as, plan_world):
    page = login_as("station", [VILLAGE])
    printed = page.get(f"/allocations/print?area={VILLAGE}").get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="(/static/css/[^"]+)"', printed)
    css = "".join(page.get(sheet).get_data(as_text=True) for sheet in sheets)
    assert re.search(r"@page\s*\{[^}]*size:\s*A4 portrait", css)
    assert "/static/css/matching.css" in sheets
    matching = page.get("/static/css/matching.css").get_data(as_text=True)
    assert not re.search(r"(?<![\w-])width:\s*\d+px", matching)  # no fixed widths in pixels
    assert "<colgroup>" in printed


def test_a_piece_rate_is_written_with_its_unit_in_the_plans_sheet():
    from jobs.models import Job, WageUnit
    from matching.plan_review import _wage
    assert _wage(Job(wage_min=3, wage_max=5, wage_unit=WageUnit.piece)) == "3-5 元/件"
    assert _wage(Job(wage_min=4000, wage_max=4000, wage_unit=WageUnit.month)) == "4000 元/月"
