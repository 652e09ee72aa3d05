"""Every posting, course and person has a place, so that distance counts in the matcher: a posting's
point is its own, else its work-site area's, else its employer's area's; a course's its own or its
area's; a person's their village's, or their resettlement site's for a relocated household."""
import pytest

from tests.conftest import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.jobs.conftest import post_form

TOWNSHIP_POINT, COUNTY_POINT, OTHER_POINT = (35.964, 105.748), (35.964, 105.725), (35.95, 105.70)


def point(answer) -> tuple:
    return answer["lat"], answer["lon"]


def test_a_posting_typed_into_the_form_is_placed_and_its_distance_counts(app, api_as, login_as, make_employer,
                                                                         make_worker):
    """The review found distance 0 on every card: a posting typed into a form had no point when its
    employer had none. Now it takes its work-site area's."""
    employer = make_employer(lat=None, lon=None, area_code=None)  # registered without a place
    page = login_as("county", [COUNTY])
    typed = post_form(page, "/jobs/new", {"employer_id": employer, "title": "保洁员", "openings": "2",
                                          "wage_unit": "month", "physical_demand": "light",
                                          "area_code": TOWNSHIP, "required_skills": ""})
    assert typed.status_code == 302
    job = int(typed.headers["Location"].rsplit("/", 1)[1])
    admin = api_as("admin")
    assert point(admin.get(f"/api/v1/jobs/{job}").json) == TOWNSHIP_POINT
    person = make_worker(household=None, max_commute_km=30)
    found = api_as("station", [VILLAGE]).get(f"/api/v1/workers/{person}/recommendations").json["jobs"]
    card = next(item for item in found if item["job_id"] == job)
    assert card["distance_km"] == 0.0 and card["components"]["distance"] == 1.0  # 团结村 lies at its township's point


def test_a_posting_falls_back_to_its_employers_area_and_follows_a_new_area(api_as, make_employer, make_job):
    employer = make_employer(lat=None, lon=None, area_code=COUNTY)
    admin = api_as("admin")
    assert point(admin.get(f"/api/v1/employers/{employer}").json) == COUNTY_POINT
    job = make_job(employer, lat=None, lon=None)
    assert point(admin.get(f"/api/v1/jobs/{job}").json) == COUNTY_POINT
    moved = admin.patch(f"/api/v1/jobs/{job}", json={"area_code": OTHER_VILLAGE})
    assert moved.status_code == 200 and point(moved.json) == OTHER_POINT
    pinned = make_job(employer, lat=36.0, lon=105.9)  # a point of its own stays where it was put
    assert point(admin.patch(f"/api/v1/jobs/{pinned}", json={"area_code": OTHER_VILLAGE}).json) == (36.0, 105.9)
    assert point(admin.patch(f"/api/v1/jobs/{pinned}", json={"lat": None, "lon": None}).json) == OTHER_POINT


def test_a_course_is_placed_at_its_area(api_as, areas):
    admin = api_as("admin")
    course = admin.post("/api/v1/courses", json={"title": "焊工培训", "provider": "县职校", "mode": "night",
                                                 "capacity": 5, "area_code": TOWNSHIP})
    assert course.status_code == 201 and point(course.json) == TOWNSHIP_POINT
    moved = admin.patch(f"/api/v1/courses/{course.json['id']}", json={"area_code": OTHER_VILLAGE})
    assert point(moved.json) == OTHER_POINT


def test_a_relocated_household_lives_at_its_resettlement_site(api_as, make_household, make_worker):
    household = make_household(relocated=True, resettlement_site="移民新村")
    at_home, pinned = make_worker(household), make_worker(household, lat=36.1, lon=105.6)
    station = api_as("station", [VILLAGE])
    assert point(station.get(f"/api/v1/workers/{at_home}").json) == TOWNSHIP_POINT  # 团结村's, no site named
    unknown = station.patch(f"/api/v1/households/{household}", json={"resettlement_area_code": "640422999999"})
    assert unknown.status_code == 422 and "resettlement_area_code" in unknown.json["error"]["fields"]
    named = station.patch(f"/api/v1/households/{household}", json={"resettlement_area_code": OTHER_VILLAGE})
    assert named.status_code == 200 and named.json["resettlement_area_code"] == OTHER_VILLAGE
    assert point(station.get(f"/api/v1/workers/{at_home}").json) == OTHER_POINT
    assert point(station.get(f"/api/v1/workers/{pinned}").json) == (36.1, 105.6)
    newcomer = make_worker(household)
    assert point(station.get(f"/api/v1/workers/{newcomer}").json) == OTHER_POINT
    station.patch(f"/api/v1/households/{household}", json={"relocated": False})
    assert point(station.get(f"/api/v1/workers/{at_home}").json) == TOWNSHIP_POINT  # back in the village


@pytest.mark.parametrize("reader", ["admin", "station"])
def test_candidates_and_why_not_say_how_far(api_as, login_as, make_job, make_worker, reader):
    job = make_job(required_skills=[], area_code=OTHER_VILLAGE, lat=None, lon=None, physical_demand="light")
    person = make_worker(max_commute_km=30)
    client = api_as(reader, [VILLAGE] if reader == "station" else [])
    item = next(c for c in client.get(f"/api/v1/jobs/{job}/candidates").json["items"] if c["worker_id"] == person)
    assert 4.0 < item["distance_km"] < 5.0  # 团结村 (its township's point) to 龙王坝村
    km = round(item["distance_km"])
    assert any(f"{km} km" in reason or f"{km} 公里" in reason for reason in item["reasons"])
    why = client.get(f"/api/v1/workers/{person}/why-not/{job}").json
    assert why["distance_km"] == item["distance_km"] and why["components"]["distance"] > 0
    html = login_as("station", [VILLAGE]).get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert f"距家约 {km} 公里" in html or f"about {km} km from home" in html
