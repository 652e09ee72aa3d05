"""The matcher on hand-made villages: recommendations with reasons, hard constraints, the training
gap, "why not", and allocation that respects openings and covers households with nobody in work
first. Coordinates: 团结村 sits at 吉强镇's point (35.964, 105.748); 0.1° of latitude is 11 km."""

from core.auth import authenticate
from core.extensions import db
from matching.planning import one_skill_away
from tests.conftest import OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.training.conftest import course_body

HOME = (35.964, 105.748)


def near(km_north: float = 2.0) -> dict:
    return {"lat": HOME[0] + km_north / 111.0, "lon": HOME[1]}


def recommend(api, worker_id, **query):
    response = api.get(f"/api/v1/workers/{worker_id}/recommendations", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_a_welder_who_wrote_dianhan_gets_the_welding_job_with_reasons(api_as, make_worker, make_job):
    welder = make_worker(skills=["电焊"], max_commute_km=20, expected_wage=4000)
    welding = make_job(title="焊工", required_skills=["焊工"], wage_max=6000, **near(6))
    sewing = make_job(title="缝纫工", required_skills=["缝纫"], wage_max=6000, **near(6))
    station = api_as("station", [VILLAGE])
    advice = recommend(station, welder)
    assert [j["job_id"] for j in advice["jobs"]] == [welding]  # sewing asks for a skill the welder lacks
    best = advice["jobs"][0]
    assert best["missing_skills"] == [] and best["components"]["skills"] == 0.8  # self-reported, not certified
    # 6 km of a 20 km reach: 1 - 0.5 × 6/20; 6000 pays more than the 4000 expected: full wage credit
    assert abs(best["components"]["distance"] - 0.85) < 0.005 and best["components"]["wage"] == 1.0
    assert abs(best["score"] - (0.55 * 0.8 + 0.30 * 0.85 + 0.15 * 1.0)) < 0.005
    assert best["reasons"] == ["会焊工", "距家约 6 公里", "工资高于期望"]
    assert [(j["job_id"], j["missing_skills"]) for j in advice["after_training"]] == [(sewing, ["缝纫工"])]
    why = station.get(f"/api/v1/workers/{welder}/why-not/{sewing}").json
    assert why["feasible"] is False and why["missing_skills"] == ["缝纫工"]
    assert any("缝纫工" in b for b in why["blockers"])


def test_no_hard_constraint_is_broken(api_as, make_worker, make_job, make_household):
    station = api_as("station", [VILLAGE])
    heavy = make_job(title="搬运工", required_skills=[], physical_demand="heavy", **near(3))
    rigid = make_job(title="流水线", required_skills=[], flexible_hours=False, physical_demand="light", **near(3))
    young_only = make_job(title="快递员", required_skills=[], max_age=35, physical_demand="light",
                          flexible_hours=True, **near(3))
    far = make_job(title="外地工地", required_skills=[], physical_demand="light", flexible_hours=True,
                   lat=HOME[0] + 2.0, lon=HOME[1])  # 220 km north, no accommodation
    welfare = make_job(title="护林员", required_skills=[], public_welfare=True, physical_demand="light",
                       flexible_hours=True, **near(3))
    ill_carer = make_worker(birth="19800101", health="chronic", needs_flexible_hours=True, max_commute_km=30)
    shown = {j["job_id"] for j in recommend(station, ill_carer)["jobs"]}
    assert heavy not in shown and rigid not in shown and far not in shown and welfare not in shown
    assert young_only not in shown  # born 1980: over 35
    monitored = make_worker(make_household(monitoring_status="unstable"), birth="19950101", max_commute_km=30)
    assert {young_only, welfare, heavy, rigid} <= {j["job_id"] for j in recommend(station, monitored)["jobs"]}

    why = station.get(f"/api/v1/workers/{ill_carer}/why-not/{heavy}").json
    assert why["feasible"] is False
    assert why["blockers"] == ["体力要求超出本人健康状况", "本人需要弹性工时，该岗位没有"]  # chronic illness; a carer
    why_far = station.get(f"/api/v1/workers/{ill_carer}/why-not/{far}").json
    assert why_far["feasible"] is False and why_far["blockers"] == ["距家 221 公里，超出本人可接受的 30 公里"]
    fine = station.get(f"/api/v1/workers/{monitored}/why-not/{young_only}").json
    assert fine["feasible"] is True and fine["blockers"] == []


def test_someone_willing_to_migrate_is_offered_far_jobs_with_accommodation(api_as, make_worker, make_job):
    away = make_job(title="外地电子厂", required_skills=[], accommodation=True, lat=HOME[0] + 5, lon=HOME[1])
    stays, goes = make_worker(max_commute_km=20), make_worker(max_commute_km=20, willing_to_migrate=True)
    station = api_as("station", [VILLAGE])
    assert away not in {j["job_id"] for j in recommend(station, stays)["jobs"]}
    assert away in {j["job_id"] for j in recommend(station, goes)["jobs"]}


def test_the_course_that_teaches_the_missing_skill_is_advised(api_as, make_worker, make_job):
    forklift = make_job(title="叉车司机", required_skills=["会开叉车"], wage_max=6000, **near(5))
    person = make_worker(skills=["种地"], max_commute_km=20, expected_wage=3000)
    provider = api_as("provider")
    right = provider.post("/api/v1/courses", json=course_body(title="叉车司机培训", skills_taught=["会开叉车"])).json["id"]
    provider.post("/api/v1/courses", json=course_body(title="育婴员培训", skills_taught=["育婴员"]))
    advice = recommend(api_as("station", [VILLAGE]), person)
    assert forklift not in {j["job_id"] for j in advice["jobs"]}  # closed to them until they learn it
    assert forklift in {j["job_id"] for j in advice["after_training"]}
    assert [c["course_id"] for c in advice["courses"]] == [right]
    assert advice["courses"][0]["for_job_ids"] == [forklift] and advice["courses"][0]["closes_skills"]


def test_the_allocation_fills_no_job_beyond_its_openings_and_covers_households_first(
        app, api_as, make_worker, make_job, make_household):
    station = api_as("station", [VILLAGE])
    # one opening; a better fit from a household that already has someone in work, a weaker fit
    # from a household with nobody in work: the second gets it
    working = make_household()
    make_worker(working, employment_status="local")
    skilled = make_worker(working, skills=["焊工", "缝纫"], max_commute_km=30)
    idle_household = make_household()
    unskilled = make_worker(idle_household, skills=["缝纫"], max_commute_km=30)  # one of the two skills
    one = make_job(title="焊工", required_skills=["焊工", "缝纫"], openings=1, **near(4))
    plan = station.post("/api/v1/allocations", json={"area_code": VILLAGE})
    assert plan.status_code == 200, plan.json
    placed = {a["worker_id"]: a["job_id"] for a in plan.json["assignments"]}
    assert placed == {unskilled: one}
    assert (plan.json["households_total"], plan.json["households_covered"]) == (1, 1)
    assert skilled not in placed


def test_monitored_households_come_before_relocated_ones_and_openings_hold(api_as, make_worker, make_job,
                                                                           make_household):
    station = api_as("station", [VILLAGE])
    relocated = make_worker(make_household(relocated=True, resettlement_site="吉强镇移民安置点"), max_commute_km=30,
                            skills=["缝纫"])
    monitored = make_worker(make_household(monitoring_status="marginal"), max_commute_km=30, skills=["缝纫"])
    job = make_job(title="缝纫工", required_skills=["缝纫"], openings=1, physical_demand="light", **near(2))
    plan = station.post("/api/v1/allocations", json={"area_code": VILLAGE}).json
    assert [(a["worker_id"], a["job_id"]) for a in plan["assignments"]] == [(monitored, job)]
    assert relocated not in {a["worker_id"] for a in plan["assignments"]}

    crowd = [make_worker(max_commute_km=30) for _ in range(5)]
    two = make_job(title="保洁员", required_skills=[], openings=2, physical_demand="light", **near(1))
    plan = station.post("/api/v1/allocations", json={"area_code": VILLAGE}).json
    counts = {}
    for a in plan["assignments"]:
        counts[a["job_id"]] = counts.get(a["job_id"], 0) + 1
    assert counts == {job: 1, two: 2}
    assert len({a["worker_id"] for a in plan["assignments"]}) == 3
    assert {a["worker_id"] for a in plan["assignments"]} <= set(crowd) | {monitored, relocated}
    assert plan["households_covered"] == 3 and plan["households_total"] == 7


def test_allocation_is_for_staff_of_the_area(api_as, areas):
    assert api_as("station", [VILLAGE]).post("/api/v1/allocations", json={"area_code": OTHER_VILLAGE}).status_code == 403
    unknown = api_as("county", ["640422000000"]).post("/api/v1/allocations", json={"area_code": "640422999999"})
    assert unknown.status_code == 422 and "area_code" in unknown.json["error"]["fields"]
    assert api_as("employer").post("/api/v1/allocations", json={"area_code": TOWNSHIP}).status_code == 403


def test_a_reviewed_plan_is_referred_in_one_step_or_not_at_all(app, api_as, make_worker, make_job):
    station = api_as("station", [VILLAGE])
    a, b = make_worker(max_commute_km=30), make_worker(max_commute_km=30)
    job = make_job(title="保洁员", required_skills=[], openings=2, physical_demand="light", **near(1))
    plan = station.post("/api/v1/allocations", json={"area_code": VILLAGE}).json
    pairs = [{"worker_id": x["worker_id"], "job_id": x["job_id"]} for x in plan["assignments"]]
    assert sorted(p["worker_id"] for p in pairs) == sorted([a, b])
    done = station.post("/api/v1/allocations/referrals", json={"pairs": pairs})
    assert done.status_code == 201 and len(done.json["referral_ids"]) == 2
    again = station.post("/api/v1/allocations/referrals", json={"pairs": pairs})  # both already referred
    assert again.status_code == 409 and len(again.json["error"]["fields"]) == 2
    c = make_worker(max_commute_km=30)
    mixed = station.post("/api/v1/allocations/referrals", json={"pairs": [{"worker_id": c, "job_id": job}, pairs[0]]})
    assert mixed.status_code == 409
    referrals = station.get("/api/v1/referrals", query_string={"job_id": job})
    assert referrals.status_code == 200 and c not in {r["worker_id"] for r in referrals.json["items"]}


def test_plans_referred_at_the_same_moment_are_each_whole_or_nothing(app, api_as, make_worker, make_job):
    """Twelve of the station's staff refer overlapping plans at once (each shares a person with the
    next): every plan is referred whole or not at all, and what is in the database is exactly the
    union of the plans that went through."""
    import threading
    station = api_as("station", [VILLAGE])
    job = make_job(title="保洁员", required_skills=[], openings=20, physical_demand="light", **near(1))
    people = [make_worker(max_commute_km=30) for _ in range(13)]
    plans = [[{"worker_id": people[i], "job_id": job}, {"worker_id": people[i + 1], "job_id": job}] for i in range(12)]
    answers, start = {}, threading.Barrier(len(plans))

    def refer(n):
        client = app.test_client()
        start.wait()
        answers[n] = client.post("/api/v1/allocations/referrals", json={"pairs": plans[n]},
                                 headers={"Authorization": f"Bearer {station.token}"}).status_code

    threads = [threading.Thread(target=refer, args=(n,)) for n in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers.values()) <= {201, 409} and 201 in answers.values()
    won = [n for n, status in answers.items() if status == 201]
    referred = sorted(r["worker_id"] for r in station.get("/api/v1/referrals", query_string={"job_id": job}).json["items"])
    assert referred == sorted(p["worker_id"] for n in won for p in plans[n])  # no pair of a refused plan
    assert len(set(referred)) == len(referred)


def test_candidates_for_a_posting_come_from_the_matcher_best_first(api_as, make_worker, make_job, make_employer):
    employer_id = make_employer()
    job = make_job(employer_id, title="焊工", required_skills=["焊工"], **near(3))
    welder = make_worker(skills=["电焊"], max_commute_km=20)
    cousin = make_worker(skills=["钢筋工"], max_commute_km=20)  # building trade: no welding
    too_far = make_worker(skills=["电焊"], max_commute_km=1)
    station = api_as("station", [VILLAGE])
    items = station.get(f"/api/v1/jobs/{job}/candidates").json["items"]
    assert [i["worker_id"] for i in items][:1] == [welder] and too_far not in [i["worker_id"] for i in items]
    assert items[0]["missing_skills"] == [] and items[0]["reasons"]
    assert cousin not in [i["worker_id"] for i in items]  # meets none of its skills, nor their group
    employer = api_as("employer", employer_id=employer_id).get(f"/api/v1/jobs/{job}/candidates").json["items"]
    assert employer[0]["worker_id"] == welder and "*" in employer[0]["display"]["name"]


def test_candidates_follow_every_change_of_the_people_at_once(api_as, make_worker, make_job, make_household):
    """Everyone looking for work is kept in memory between requests; each change shows in the
    next ranking: a new person, an edit, skills, someone finding work; and each staff user
    still sees only the people of their areas."""
    job = make_job(title="焊工", required_skills=["焊工"], openings=3, **near(3))
    other_job = make_job(title="保洁员", required_skills=[], openings=3, physical_demand="light", **near(3))
    station, admin = api_as("station", [VILLAGE]), api_as("admin")

    def ranked(api=station):
        answer = api.get(f"/api/v1/jobs/{job}/candidates")
        assert answer.status_code == 200, answer.json
        return [(i["worker_id"], i["missing_skills"]) for i in answer.json["items"]]
    welder = make_worker(skills=["电焊"], max_commute_km=20)
    assert ranked() == [(welder, [])]
    newcomer = make_worker(max_commute_km=20)
    assert ranked() == [(welder, [])]  # without the skill, not a candidate
    assert station.patch(f"/api/v1/workers/{newcomer}", json={"skills": ["钢筋工"]}).status_code == 200
    assert ranked() == [(welder, [])]
    assert station.patch(f"/api/v1/workers/{newcomer}", json={"skills": ["焊工"]}).status_code == 200
    assert [w for w, missing in ranked() if not missing] == [welder, newcomer]
    assert station.patch(f"/api/v1/workers/{welder}", json={"max_commute_km": 1}).status_code == 200
    assert ranked() == [(newcomer, [])]  # 3 km is now beyond the welder's reach
    referral = station.post("/api/v1/referrals", json={"worker_id": newcomer, "job_id": other_job}).json["id"]
    assert admin.patch(f"/api/v1/referrals/{referral}", json={"status": "hired"}).status_code == 200
    assert ranked() == []  # in work now
    neighbour = make_worker(make_household(OTHER_VILLAGE), max_commute_km=20, skills=["电焊"])
    assert ranked() == [] and ranked(api_as("station", [OTHER_VILLAGE])) == [(neighbour, [])]
    assert ranked(api_as("county", [TOWNSHIP])) == [(neighbour, [])]


def test_course_planning_counts_people_one_skill_away_from_open_jobs(app, api_as, make_worker, make_job, make_user):
    first = make_job(title="叉车司机", required_skills=["会开叉车"], openings=3, **near(4))
    second = make_job(title="仓库叉车工", required_skills=["会开叉车"], openings=2, **near(6))
    make_job(title="电工", required_skills=["电工", "焊工"], **near(4))  # two skills away: not counted
    people = [make_worker(max_commute_km=30) for _ in range(3)]
    make_worker(skills=["会开叉车"], max_commute_km=30)  # has it already
    provider = api_as("provider")
    course = provider.post("/api/v1/courses", json=course_body(title="叉车培训", skills_taught=["叉车司机"])).json["id"]
    username, password = make_user("station", [VILLAGE])
    with app.test_request_context():
        gaps = one_skill_away(db.session, VILLAGE, authenticate(username, password))
    assert len(gaps) == 1
    gap = gaps[0]
    canonical = provider.get(f"/api/v1/jobs/{first}").json["required_skills"][0]["canonical"]
    assert (gap.township_code, gap.skill, gap.workers, gap.jobs) == (TOWNSHIP, canonical, set(people), {first, second})
    assert gap.openings == 5 and [c.id for c in gap.courses] == [course]


def test_the_course_planning_page_lists_the_gap_and_the_course_to_plan(login_as, make_worker, make_job):
    make_job(title="叉车司机", required_skills=["会开叉车"], openings=3, **near(4))
    make_worker(max_commute_km=30)
    html = login_as("station", [VILLAGE]).get("/training/planning").get_data(as_text=True)
    assert 'data-workers="1" data-jobs="1"' in html and 'class="warn plan-one"' in html
    assert login_as("provider").get("/training/planning").status_code == 403


def test_course_planning_through_the_api(api_as, make_worker, make_job):
    job = make_job(title="叉车司机", required_skills=["会开叉车"], openings=3, **near(4))
    make_worker(max_commute_km=30)
    items = api_as("station", [VILLAGE]).get("/api/v1/course-planning", query_string={"area_code": VILLAGE}).json["items"]
    assert [(i["workers"], i["job_ids"], i["openings"], i["courses"]) for i in items] == [(1, [job], 3, [])]


def test_group_placement_gathers_villagers_at_one_employer_within_openings(api_as, make_worker, make_job,
                                                                           make_employer):
    station = api_as("station", [VILLAGE])
    north, south = make_employer(), make_employer()
    up = make_job(north, title="保洁员", required_skills=[], openings=2, physical_demand="light", **near(2))
    down = make_job(south, title="保洁员", required_skills=[], openings=2, physical_demand="light", **near(-2))
    a = make_worker(max_commute_km=30, **near(3))  # 1 km from the northern job, 5 from the southern
    b = make_worker(max_commute_km=30, **near(-3))  # and the other way round
    plain = station.post("/api/v1/allocations", json={"area_code": VILLAGE}).json
    assert {(x["worker_id"], x["job_id"]) for x in plain["assignments"]} == {(a, up), (b, down)}
    grouped = station.post("/api/v1/allocations", json={"area_code": VILLAGE, "group_placement": True}).json
    assert {(x["worker_id"], x["job_id"]) for x in grouped["assignments"]} == {(a, up), (b, up)}  # two openings
    assert grouped["households_covered"] == plain["households_covered"] == 2


def test_recommendations_are_spread_away_from_crowded_postings(app, api_as, make_worker, make_job):
    from matching.demand import rematch
    station = api_as("station", [VILLAGE])
    crowded = make_job(title="保洁员", required_skills=[], openings=1, physical_demand="light", **near(2.0))
    quiet = make_job(title="保洁员", required_skills=[], openings=5, physical_demand="light", **near(2.2))
    me = make_worker(max_commute_km=30)
    crowd = [make_worker(max_commute_km=30) for _ in range(6)]
    before = recommend(station, me)["jobs"]
    assert [j["job_id"] for j in before] == [crowded, quiet]  # a little nearer: first, before any re-match
    with app.app_context():
        rematch(db.session)
        db.session.commit()
    after = recommend(station, me)["jobs"]
    assert [j["job_id"] for j in after] == [quiet, crowded]  # 7 people for 1 opening: it drops behind
    by_id = {j["job_id"]: j for j in after}
    assert by_id[crowded]["recommended_to_others"] == len(crowd) and by_id[crowded]["score"] > by_id[quiet]["score"]
    assert [j["job_id"] for j in recommend(station, me, limit=1)["jobs"]] == [quiet]  # the best one alone, too
    crowd += [make_worker(max_commute_km=30) for _ in range(3)]
    result = app.test_cli_runner().invoke(args=["tasks", "run", "rematch"])  # the nightly task, by hand
    assert result.exit_code == 0 and '"postings counted": 2' in result.output
    again = {j["job_id"]: j for j in recommend(station, me)["jobs"]}  # the new counts, not the ones kept
    assert again[crowded]["recommended_to_others"] == len(crowd) == 9


def test_unknown_or_absurd_ids_are_not_found(api_as, make_worker):
    station, worker = api_as("station", [VILLAGE]), make_worker()
    assert station.get(f"/api/v1/workers/{worker}/why-not/99999999999").status_code == 404
    assert station.get("/api/v1/workers/99999999999/recommendations").status_code == 404


def test_recommendations_follow_every_change_of_the_postings_at_once(api_as, make_worker, make_job, make_employer):
    """The open postings are kept in memory between requests; any change shows in the very next
    recommendation: an edit, a hire that fills a posting, its closing, a new posting once its
    employer is verified."""
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    me = make_worker(max_commute_km=30)

    def shown():
        return [j["job_id"] for j in recommend(station, me)["jobs"]]
    job = make_job(title="保洁员", required_skills=[], openings=1, physical_demand="light", **near(1))
    assert shown() == [job]
    assert admin.patch(f"/api/v1/jobs/{job}", json=near(300)).status_code == 200  # moved far away
    assert shown() == []
    admin.patch(f"/api/v1/jobs/{job}", json=near(1))
    assert shown() == [job]
    referral = station.post("/api/v1/referrals", json={"worker_id": make_worker(), "job_id": job}).json["id"]
    assert admin.patch(f"/api/v1/referrals/{referral}", json={"status": "hired"}).status_code == 200
    assert shown() == []  # its one opening is taken
    unverified = make_employer(verified=False)
    later = make_job(unverified, title="保洁员", required_skills=[], openings=2, physical_demand="light", **near(2))
    assert shown() == []  # villagers see no posting of an employer not yet checked
    assert admin.post(f"/api/v1/employers/{unverified}/verify").status_code == 200
    assert shown() == [later]
    assert admin.post(f"/api/v1/jobs/{later}/close").status_code == 200
    assert shown() == []
