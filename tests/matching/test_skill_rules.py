"""Issue 14, points 2–5 through the API: one skill whatever entry it was written under, required
skills required, the same rules where people act (with the station's audited override), and a plan
a station can review safely (minimum fit, one public-welfare post per household, for those no
market posting fits)."""
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from tests.conftest import VILLAGE
from tests.matching.test_matching import near, recommend
from tests.training.conftest import course_body


def test_a_childcare_course_opens_postings_that_ask_for_the_childcare_certificate(api_as, make_worker, make_job):
    """育婴员 (the occupation 4-10-01-01) and 育婴员证 (a certificate filed under it) are one skill."""
    posting = make_job(title="育婴员", required_skills=["育婴员证"], physical_demand="light", **near(3))
    person = make_worker(skills=["种地"], max_commute_km=20)
    course = api_as("provider").post("/api/v1/courses", json=course_body(title="育婴员夜校", skills_taught=["育婴员"]))
    assert course.status_code == 201, course.json
    advice = recommend(api_as("station", [VILLAGE]), person)
    assert [(c["course_id"], c["for_job_ids"]) for c in advice["courses"]] == [(course.json["id"], [posting])]
    assert posting in {j["job_id"] for j in advice["after_training"]}


def test_a_certificate_meets_the_occupation_it_is_filed_under(api_as, make_worker, make_job):
    posting = make_job(title="月嫂", required_skills=["育婴员"], physical_demand="light", **near(3))
    holder = make_worker(skills=["育婴员证"], max_commute_km=20)
    items = api_as("station", [VILLAGE]).get(f"/api/v1/jobs/{posting}/candidates").json["items"]
    assert [(i["worker_id"], i["missing_skills"]) for i in items] == [(holder, [])]


def test_one_skill_written_twice_is_said_once(api_as, make_worker, make_job):
    sewing = make_job(title="缝纫工", required_skills=["缝纫", "会用平车"], physical_demand="light", **near(3))
    sewer = make_worker(skills=["缝纫"], max_commute_km=20)
    match = next(j for j in recommend(api_as("station", [VILLAGE]), sewer)["jobs"] if j["job_id"] == sewing)
    assert [r for r in match["reasons"] if "缝纫工" in r] == ["会缝纫工"]
    assert match["components"]["skills"] == 0.8 and match["missing_skills"] == []


def test_someone_meeting_no_required_skill_is_no_candidate_in_no_plan_and_why_not_says_so(api_as, make_worker,
                                                                                          make_job):
    welding = make_job(title="焊工", required_skills=["焊工"], openings=3, **near(3))
    farmer = make_worker(skills=["种地"], max_commute_km=20)
    station = api_as("station", [VILLAGE])
    assert farmer not in {i["worker_id"] for i in station.get(f"/api/v1/jobs/{welding}/candidates").json["items"]}
    plan = station.post("/api/v1/allocations", json={"area_code": VILLAGE}).json
    assert (farmer, welding) not in {(a["worker_id"], a["job_id"]) for a in plan["assignments"]}
    why = station.get(f"/api/v1/workers/{farmer}/why-not/{welding}").json
    assert why["feasible"] is False and any("焊工" in b for b in why["blockers"])


def test_a_posting_that_asks_for_no_skill_is_open_to_everyone_otherwise_eligible(api_as, make_worker, make_job):
    cleaning = make_job(title="保洁员", required_skills=[], physical_demand="light", **near(2))
    farmer = make_worker(skills=["种地"], max_commute_km=20)
    why = api_as("station", [VILLAGE]).get(f"/api/v1/workers/{farmer}/why-not/{cleaning}").json
    assert why["feasible"] is True and why["blockers"] == [] and "无特殊技能要求" in why["reasons"]


# --- the same rules where people act --------------------------------------------------------------

def test_a_person_over_the_age_limit_cannot_apply(api_as, login_as, make_worker, make_job):
    capped = make_job(title="快递员", required_skills=[], max_age=50, physical_demand="light", **near(2))
    older = make_worker(birth="19700101", max_commute_km=20)  # 56
    me = api_as("worker", worker_id=older)
    answer = me.post("/api/v1/referrals", json={"worker_id": older, "job_id": capped, "override_reason": "我想试试"})
    assert answer.status_code == 422 and "56" in answer.json["error"]["fields"]["worker_id"]
    assert "override_reason" not in answer.json["error"]["fields"]  # a villager cannot override the rule


def test_a_station_referral_past_a_rule_needs_a_written_reason_which_is_audited(app, api_as, make_worker, make_job):
    capped = make_job(title="快递员", required_skills=[], max_age=50, physical_demand="light", **near(2))
    older = make_worker(birth="19700101", max_commute_km=20)
    station = api_as("station", [VILLAGE])
    refused = station.post("/api/v1/referrals", json={"worker_id": older, "job_id": capped})
    assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"worker_id", "override_reason"}
    blank = station.post("/api/v1/referrals", json={"worker_id": older, "job_id": capped, "override_reason": "  "})
    assert blank.status_code == 422
    done = station.post("/api/v1/referrals", json={"worker_id": older, "job_id": capped,
                                                   "override_reason": "身体好，用工单位同意放宽"})
    assert done.status_code == 201
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "override")).all()
        assert [(e.entity, e.entity_id) for e in events] == [("referral", str(done.json["id"]))]
        assert "age" in events[0].detail and "身体好，用工单位同意放宽" in events[0].detail


def test_a_station_cannot_override_the_public_welfare_rule(api_as, make_worker, make_job):
    post = make_job(title="护林员", required_skills=[], public_welfare=True, physical_demand="light", **near(2))
    ordinary = make_worker(max_commute_km=20)
    answer = api_as("station", [VILLAGE]).post("/api/v1/referrals", json={
        "worker_id": ordinary, "job_id": post, "override_reason": "家里困难"})
    assert answer.status_code == 422


# --- a plan a station can review safely -----------------------------------------------------------

def test_nothing_under_the_minimum_fit_is_offered_and_the_default_is_stated(client, api_as, make_worker, make_job):
    make_job(title="保洁员", required_skills=[], openings=5, physical_demand="light", wage_min=1200, wage_max=1500, **near(15))
    for _ in range(3):
        make_worker(max_commute_km=20, expected_wage=5000)
    station = api_as("station", [VILLAGE])
    loose = station.post("/api/v1/allocations", json={"area_code": VILLAGE, "min_score": 0}).json
    assert len(loose["assignments"]) == 3
    lowest = min(a["score"] for a in loose["assignments"])
    strict = station.post("/api/v1/allocations", json={"area_code": VILLAGE, "min_score": lowest + 0.01}).json
    assert strict["assignments"] == [] and strict["min_score"] == round(lowest + 0.01, 3)
    assert all(a["household_code"] for a in loose["assignments"])
    spec = client.get("/api/v1/openapi.json").json
    schema = spec["components"]["schemas"]["AllocationIn"]["properties"]["min_score"]
    assert schema["default"] == 0.4 and "0.4" in schema["description"]


def test_a_household_gets_one_public_welfare_post_and_not_ahead_of_a_market_job(api_as, make_household, make_worker,
                                                                                make_job):
    household = make_household(monitoring_status="unstable")
    welder = make_worker(household, birth="19900101", skills=["电焊"], max_commute_km=20, expected_wage=5000)
    mother = make_worker(household, birth="19700101", max_commute_km=20, needs_flexible_hours=True)
    father = make_worker(household, birth="19680101", max_commute_km=20)
    welding = make_job(title="焊工", required_skills=["焊工"], openings=1, wage_max=6000, **near(4))
    posts = [make_job(title="护林员", required_skills=[], public_welfare=True, openings=2, physical_demand="light",
                      flexible_hours=True, wage_min=800, wage_max=800, **near(1)) for _ in range(2)]
    plan = api_as("station", [VILLAGE]).post("/api/v1/allocations", json={"area_code": VILLAGE, "min_score": 0}).json
    placed = {a["worker_id"]: a["job_id"] for a in plan["assignments"]}
    assert placed.get(welder) == welding  # a market job, never the 800元 post
    assert sum(1 for job in placed.values() if job in posts) == 1
    assert placed.keys() - {welder} <= {mother, father}


def test_course_planning_says_each_township_once(login_as, make_worker, make_job):
    """Point 6: N people within reach are one skill away from M openings, said once per township;
    a skill that no course teaches gets "a class of K seats in P"."""
    make_job(title="叉车司机", required_skills=["会开叉车"], openings=3, **near(4))
    make_job(title="焊工", required_skills=["焊工"], openings=1, **near(4))
    for _ in range(2):
        make_worker(max_commute_km=30)
    html = login_as("station", [VILLAGE]).get("/training/planning").get_data(as_text=True)
    assert html.count('class="township"') == 1 and html.count('class="township-summary"') == 1
    assert 'data-workers="2" data-openings="4"' in html
    assert "通勤范围内有 2 人只差一项技能，就能应聘 4 个招工名额。" in html
    assert "开一个 2 个名额的培训班" in html and "开一个 1 个名额的培训班" in html  # seats: people, at most the openings
