"""The matcher's pages: a worker's recommendations (order, reasons, missing skills, course advice,
"why not this job?", a referral from the page) and the allocation plan (an area of mine, the
households covered, unticking before referring all at once, refusals on their rows with nothing
written, the print view and the .xlsx). Assertions look at data, ids and data attributes, not at
sentences (they are translated later)."""
import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent
from jobs.models import Referral
from tests.conftest import OTHER_VILLAGE, TOWNSHIP, VILLAGE, csrf_token, id_number
from tests.jobs.conftest import post_form, text_of
from tests.training.conftest import course_body

HOME = (35.964, 105.748)  # 团结村's township point: workers without coordinates live here


def near(km_north: float = 2.0) -> dict:
    return {"lat": HOME[0] + km_north / 111.0, "lon": HOME[1]}


def ids_in_order(html: str, attribute: str, tag: str = "article") -> list[int]:
    return [int(x) for x in re.findall(rf'<{tag}[^>]*\b{attribute}="(\d+)"', html)]


def element(html: str, element_id: str, tag: str = "article") -> str:
    """The markup of the element with this id, up to its closing tag (not nested in itself)."""
    start = html.index(f'id="{element_id}"')
    return html[start:html.index(f"</{tag}>", start)]


def referrals(app) -> set[tuple[int, int]]:
    with app.app_context():
        return set(db.session.execute(select(Referral.worker_id, Referral.job_id)).all())


# --- a worker's recommendations ------------------------------------------------------------------

@pytest.fixture
def welder(api_as, make_worker, make_job):
    """A welder who wrote 电焊, a welding and a sewing posting near home, and two courses: sewing
    (what the second posting lacks) and childcare (which nobody needs here)."""
    worker = make_worker(name="马焊工", skills=["电焊"], max_commute_km=20, expected_wage=4000)
    welding = make_job(title="焊工", required_skills=["焊工"], wage_max=6000, **near(6))
    sewing = make_job(title="缝纫工", required_skills=["缝纫"], wage_max=6000, **near(6))
    provider = api_as("provider")
    course = provider.post("/api/v1/courses", json=course_body(title="缝纫工培训", skills_taught=["缝纫"],
                                                               address="吉强镇扶贫车间"))
    assert course.status_code == 201, course.json
    provider.post("/api/v1/courses", json=course_body(title="育婴员培训", skills_taught=["育婴员"]))
    return {"worker": worker, "welding": welding, "sewing": sewing, "course": course.json["id"]}


def test_the_welder_sees_the_welding_job_first_with_reasons_missing_skills_and_the_course(login_as, welder):
    page = login_as("station", [VILLAGE])
    response = page.get(f"/workers/{welder['worker']}/recommendations")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    recommended = html[html.index('id="recommended"'):html.index('id="after-training"')]
    assert ids_in_order(recommended, "data-job-id") == [welder["welding"]]  # sewing asks for a skill they lack
    best = element(html, f"job-{welder['welding']}")
    reasons = re.findall(r'<li class="reason">([^<]+)</li>', best)
    assert any("焊工" in r for r in reasons) and any("6" in r for r in reasons)  # the skill, the distance
    assert 'class="badge badge-warn missing-skill"' not in best
    after = element(html, f"after-{welder['sewing']}")
    assert "学会缝纫工后可应聘" in after and f'href="#course-{welder["course"]}"' in after
    assert re.search(r'data-component="skills" data-value="0.8"', best)  # self-reported, not certified
    assert "<progress" in best and "button" in best and 'name="job_id" value="%d"' % welder["welding"] in best
    # how to get the sewing job: the sewing course, linked, with what it closes and what it opens
    courses = html[html.index('id="courses"'):html.index('id="why-not"')]
    assert ids_in_order(courses, "data-course-id") == [welder["course"]]
    advice = element(html, f"course-{welder['course']}")
    assert f'href="/courses/{welder["course"]}"' in advice and 'data-mode="night"' in advice
    assert re.findall(r'closes-skill">([^<]+)<', advice) == ["缝纫工"]
    assert [int(x) for x in re.findall(r'class="opens-job" data-job-id="(\d+)"', advice)] == [welder["sewing"]]
    assert 'data-seats-left="2"' in advice and "吉强镇扶贫车间" in advice
    # the person's page links here (staff)
    worker_page = page.get(f"/workers/{welder['worker']}").get_data(as_text=True)
    assert f'href="/workers/{welder["worker"]}/recommendations"' in worker_page


def test_the_station_refers_from_the_recommendations(app, login_as, welder):
    page = login_as("station", [VILLAGE])
    url = f"/workers/{welder['worker']}/recommendations"
    asked = post_form(page, url + "/refer", {"job_id": str(welder["welding"])}, form_url=url)
    assert asked.status_code == 200 and f'data-job-id="{welder["welding"]}"' in asked.get_data(as_text=True)
    assert referrals(app) == set()
    response = post_form(page, url + "/refer", {"job_id": str(welder["welding"]), "confirm": "1"}, form_url=url)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert referrals(app) == {(welder["worker"], welder["welding"])}
    html = page.get(url).get_data(as_text=True)
    assert "flash-success" in html
    assert welder["welding"] not in ids_in_order(html, "data-job-id")  # put forward already: not offered again
    again = post_form(page, url + "/refer", {"job_id": str(welder["welding"])}, form_url=url)
    assert again.status_code == 302 and "flash-error" in page.get(url).get_data(as_text=True)
    assert referrals(app) == {(welder["worker"], welder["welding"])}


def test_who_sees_a_workers_recommendations(app, login_as, make_household, make_worker, welder):
    elsewhere = make_worker(make_household(OTHER_VILLAGE), skills=["电焊"])
    station = login_as("station", [VILLAGE])
    assert station.get(f"/workers/{elsewhere}/recommendations").status_code == 404
    token = csrf_token(station.get(f"/workers/{welder['worker']}/recommendations").get_data(as_text=True))
    refused = station.post(f"/workers/{elsewhere}/recommendations/refer",
                           data={"csrf_token": token, "job_id": str(welder["welding"])})
    assert refused.status_code == 404 and referrals(app) == set()
    assert login_as("county", [TOWNSHIP]).get(f"/workers/{elsewhere}/recommendations").status_code == 200
    # the person themself: their jobs and courses, without the station's refer buttons
    me = login_as("worker", worker_id=welder["worker"])
    mine = me.get(f"/workers/{welder['worker']}/recommendations")
    html = mine.get_data(as_text=True)
    assert mine.status_code == 200 and ids_in_order(html, "data-job-id")[0] == welder["welding"]
    assert 'class="refer"' not in html and f'data-course-id="{welder["course"]}"' in html
    assert me.get(f"/workers/{elsewhere}/recommendations").status_code == 404
    token = csrf_token(html)
    assert me.post(f"/workers/{welder['worker']}/recommendations/refer",
                   data={"csrf_token": token, "job_id": str(welder["welding"])}).status_code == 403
    for role in ("employer", "provider"):
        assert login_as(role).get(f"/workers/{welder['worker']}/recommendations").status_code == 403
    assert app.test_client().get(f"/workers/{welder['worker']}/recommendations").status_code == 302


def test_why_not_shows_the_blockers_of_a_too_heavy_job(login_as, make_worker, make_job):
    ill = make_worker(name="马病", health="chronic", max_commute_km=30)
    heavy = make_job(title="搬运工", required_skills=[], physical_demand="heavy", **near(3))
    light = make_job(title="保洁员", required_skills=[], physical_demand="light", flexible_hours=True, **near(3))
    page = login_as("station", [VILLAGE])
    url = f"/workers/{ill}/recommendations"
    html = page.get(url).get_data(as_text=True)
    assert heavy not in ids_in_order(html, "data-job-id") and light in ids_in_order(html, "data-job-id")
    assert f'<option value="{heavy}">' in html  # every open posting may be asked about
    why = page.get(url, query_string={"job": heavy})
    assert why.status_code == 200
    result = element(why.get_data(as_text=True), "why-not-result")
    assert f'data-job-id="{heavy}"' in result and 'data-feasible="no"' in result
    assert len(re.findall(r'<li class="blocker">', result)) == 1
    assert 'data-component="distance"' in result
    fine = element(page.get(url, query_string={"job": light}).get_data(as_text=True), "why-not-result")
    assert 'data-feasible="yes"' in fine and 'class="blocker"' not in fine and 'id="why-listed"' in fine
    unknown = page.get(url, query_string={"job": 999999})
    assert unknown.status_code == 404 and 'id="job-error"' in unknown.get_data(as_text=True)


# --- the allocation plan -------------------------------------------------------------------------

@pytest.fixture
def village_plan(make_household, make_worker, make_job):
    """Three households of 团结村 with one person each looking for work, and a cleaning posting
    with three openings near home: everyone gets it."""
    people = [make_worker(make_household(monitoring_status=status), name=name, max_commute_km=30,
                          id_number=id_number("19900101", n), phone=f"1389511{n:04d}")
              for n, (name, status) in enumerate((("马一", "unstable"), ("马二", "none"), ("马三", "marginal")), 1)]
    job = make_job(title="保洁员", required_skills=[], openings=3, physical_demand="light", **near(1))
    return {"people": people, "job": job}


def test_the_plan_of_my_village_unticked_rows_are_not_referred(app, login_as, village_plan):
    first, second, third = village_plan["people"]
    job = village_plan["job"]
    page = login_as("station", [VILLAGE])
    start = page.get("/allocations").get_data(as_text=True)
    assert re.findall(r'<option [^>]*value="(\d{12})"', start) == [VILLAGE]  # only my village
    assert 'id="plan"' not in start and 'href="/allocations"' in start  # the nav link
    response = page.get("/allocations", query_string={"area": VILLAGE})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (text_of(html, "households-covered"), text_of(html, "households-total")) == ("3", "3")
    rows = re.findall(r'<tr class="assignment" id="pair-(\d+)-(\d+)"', html)
    assert sorted((int(w), int(j)) for w, j in rows) == sorted((p, job) for p in (first, second, third))
    for worker in (first, second, third):
        assert re.search(rf'name="pair" value="{worker}-{job}" form="refer-plan"\s+aria-label="[^"]*" checked', html)
    for name in ("马一", "马二", "马三"):
        assert name in html
    household = element(html, "household-H0001", "tbody")
    assert 'data-monitoring="unstable"' in household and f'data-worker-id="{first}"' in household
    assert id_number("19900101", 1) not in html and "13895110001" not in html
    # untick the second person, refer the others
    done = page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE,
                                           "pair": [f"{first}-{job}", f"{third}-{job}"]})
    assert done.status_code == 302 and f"area={VILLAGE}" in done.headers["Location"]
    assert referrals(app) == {(first, job), (third, job)}
    after = page.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-referred="yes"' in element(after, f"pair-{first}-{job}", "tr")
    assert 'data-referred="no"' in element(after, f"pair-{second}-{job}", "tr")
    assert re.search(rf'value="{second}-{job}" form="refer-plan"\s+aria-label="[^"]*" checked', after)
    assert not re.search(rf'value="{first}-{job}" form="refer-plan"\s+aria-label="[^"]*" checked', after)


def test_referring_the_same_plan_twice_is_refused_on_its_rows_and_writes_nothing(app, login_as, village_plan,
                                                                                make_household, make_worker):
    first, second, third = village_plan["people"]
    job = village_plan["job"]
    page = login_as("station", [VILLAGE])
    html = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    pairs = [f"{w}-{job}" for w in (first, second, third)]
    assert page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE,
                                           "pair": pairs[:1]}).status_code == 302
    again = page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE, "pair": pairs})
    assert again.status_code == 409
    shown = again.get_data(as_text=True)
    refused = element(shown, f"pair-{first}-{job}", "tr")
    assert 'data-refused="yes"' in refused and f'id="refusal-{first}-{job}"' in refused
    assert 'aria-invalid="true"' in refused
    for worker in (second, third):
        row = element(shown, f"pair-{worker}-{job}", "tr")
        assert "data-refused" not in row and re.search(r'aria-label="[^"]*" checked', row)  # still ticked
    assert "flash-error" in shown
    assert referrals(app) == {(first, job)}  # the other two were not referred either
    # someone of another village slipped into the form: refused (said in a flash, having no row)
    stranger = make_worker(make_household(OTHER_VILLAGE), name="外村人", max_commute_km=30)
    forged = page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE,
                                             "pair": [pairs[1], f"{stranger}-{job}"]})
    assert forged.status_code == 409 and "外村人" not in forged.get_data(as_text=True)
    assert forged.get_data(as_text=True).count("flash-error") == 2
    assert referrals(app) == {(first, job)}
    nothing = page.post("/allocations", data={"csrf_token": csrf_token(html), "area": VILLAGE})
    assert nothing.status_code == 422 and referrals(app) == {(first, job)}
    assert page.post("/allocations", data={"area": VILLAGE, "pair": pairs[1:]}).status_code == 400  # no token
    assert referrals(app) == {(first, job)}


def test_the_plan_prints_and_exports_names_only(app, login_as, village_plan):
    first, second, third = village_plan["people"]
    page = login_as("station", [VILLAGE], display_name="团结村劳保站")
    html = page.get("/allocations", query_string={"area": VILLAGE}).get_data(as_text=True)
    assert f'href="/allocations/print?area={VILLAGE}"' in html and f'href="/allocations.xlsx?area={VILLAGE}"' in html
    printed = page.get(f"/allocations/print?area={VILLAGE}").get_data(as_text=True)
    assert sorted(int(w) for w in re.findall(r'<tr class="assignment" data-worker-id="(\d+)"', printed)) == \
        sorted([first, second, third])
    assert 'type="checkbox"' not in printed and "团结村劳保站" in printed
    download = page.get(f"/allocations.xlsx?area={VILLAGE}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert "统筹分配方案-团结村委会-" in unquote(download.headers["Content-Disposition"])  # named in Chinese
    book = load_workbook(io.BytesIO(download.data))
    rows = list(book["分配方案"].iter_rows(values_only=True))
    assert rows[0][:6] == ("户编号", "村", "监测类型", "姓名", "岗位", "用工单位")
    assert sorted((r[0], r[2], r[3], r[4]) for r in rows[1:]) == [
        ("H0001", "脱贫不稳定户", "马一", "保洁员"), ("H0002", "一般户", "马二", "保洁员"),
        ("H0003", "边缘易致贫户", "马三", "保洁员")]
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[1][1:4] == (VILLAGE, 3, 3)
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    for n in (1, 2, 3):
        assert id_number("19900101", n) not in cells and f"1389511{n:04d}" not in cells
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.entity == "allocation", AuditEvent.action == "export")) == 1


def test_the_plan_is_for_staff_of_the_area(login_as, village_plan, areas):
    station = login_as("station", [VILLAGE])
    other = station.get("/allocations", query_string={"area": OTHER_VILLAGE})
    assert other.status_code == 403 and 'id="plan"' not in other.get_data(as_text=True)
    assert station.get(f"/allocations.xlsx?area={OTHER_VILLAGE}").status_code == 403
    assert station.get(f"/allocations/print?area={OTHER_VILLAGE}").status_code == 403
    unknown = station.get("/allocations", query_string={"area": "640422999999"})
    assert unknown.status_code == 422 and 'id="area-error"' in unknown.get_data(as_text=True)
    county = login_as("county", [TOWNSHIP]).get("/allocations").get_data(as_text=True)
    assert {TOWNSHIP, VILLAGE, OTHER_VILLAGE} <= set(re.findall(r'<option [^>]*value="(\d{12})"', county))
    for role in ("employer", "provider", "worker"):
        page = login_as(role)
        for url in ("/allocations", f"/allocations?area={VILLAGE}", f"/allocations.xlsx?area={VILLAGE}",
                    f"/allocations/print?area={VILLAGE}"):
            assert page.get(url).status_code == 403, (role, url)
        token = csrf_token(page.get("/allocations").get_data(as_text=True))  # the sign-out form's
        refused = page.post("/allocations", data={"csrf_token": token, "area": VILLAGE,
                                                  "pair": [f"{village_plan['people'][0]}-{village_plan['job']}"]})
        assert refused.status_code == 403
        assert 'href="/allocations"' not in page.get("/jobs").get_data(as_text=True)


def test_a_worker_starts_from_jobs_that_fit_and_staff_can_place_villagers_together(login_as, make_worker, areas):
    wid = make_worker()
    start = login_as("worker", worker_id=wid).get("/").get_data(as_text=True)
    assert f'href="/workers/{wid}/recommendations"' in start
    page = login_as("station", [VILLAGE]).get("/allocations", query_string={"area": VILLAGE, "together": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="together"' in html and 'name="together" value="1"' in html
