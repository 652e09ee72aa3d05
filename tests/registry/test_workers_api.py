"""Workers through the JSON API: registration, masking, scoping, search, reveal."""
from sqlalchemy import func, select, text

from core.extensions import db
from core.models import AuditEvent
from registry.models import Worker
from tests.conftest import OTHER_VILLAGE, VILLAGE, id_number


def worker_body(household, **fields):
    return {"id_number": id_number("19880808", 11), "name": "马成", "phone": "13895000001",
            "household_code": household, "education": "初中", "health": "健康",
            "skills": ["电焊", "会开叉车", "编草帽子"], "expected_wage": 3500, "max_commute_km": 30,
            "willing_to_migrate": False, "employment_status": "unemployed",
            "needs_flexible_hours": False, **fields}


def test_register_worker_resolves_skills_and_masks_personal_data(api_as, make_household):
    station = api_as("station", [VILLAGE])
    household = make_household()
    response = station.post("/api/v1/workers", json=worker_body(household))
    assert response.status_code == 201, response.json
    worker = response.json
    full = id_number("19880808", 11)
    assert worker["id_number_masked"] == full[:6] + "*" * 10 + full[-2:]
    assert worker["phone_masked"] == "138****0001"
    assert worker["birth_date"] == "1988-08-08" and worker["sex"] == "male"
    assert worker["education"] == "junior" and worker["education_label"] == "初中"
    skills = {s["name"]: s for s in worker["skills"]}
    assert skills["电焊"]["canonical"] == "焊工" and skills["电焊"]["code"] == "6-18-02-04"
    assert skills["会开叉车"]["canonical"] is not None
    assert skills["编草帽子"]["canonical"] is None, "unresolved text is kept, not dropped"
    assert worker["unresolved_skills"] == ["编草帽子"]
    assert full not in response.get_data(as_text=True)
    assert "13895000001" not in response.get_data(as_text=True)


def test_personal_data_is_encrypted_at_rest(app, api_as, make_household):
    station = api_as("station", [VILLAGE])
    station.post("/api/v1/workers", json=worker_body(make_household()))
    with app.app_context():
        raw = db.session.execute(text("SELECT id_number_enc, phone_enc, id_number_hash FROM workers")).one()
    full = id_number("19880808", 11)
    for value in raw:
        stored = bytes(value) if not isinstance(value, str) else value.encode()
        assert full.encode() not in stored and b"13895000001" not in stored


def test_duplicate_id_number_is_a_conflict(api_as, make_household):
    station = api_as("station", [VILLAGE])
    household = make_household()
    assert station.post("/api/v1/workers", json=worker_body(household)).status_code == 201
    again = station.post("/api/v1/workers", json=worker_body(household, name="马福"))
    assert again.status_code == 409
    assert "id_number" in again.json["error"]["fields"]


def test_every_invalid_field_is_named_and_nothing_is_written(app, api_as, make_household):
    station = api_as("station", [VILLAGE])
    body = worker_body(make_household(), id_number="640422198808080012", education="博士",
                       phone="12345", expected_wage=-5, employment_status="retired")
    response = station.post("/api/v1/workers", json=body)
    assert response.status_code == 422
    error = response.json["error"]
    assert set(error["fields"]) >= {"id_number", "education", "phone", "expected_wage", "employment_status"}
    assert error["code"] and error["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Worker.id))) == 0


def test_unknown_household_is_a_field_error(api_as, areas):
    station = api_as("station", [VILLAGE])
    response = station.post("/api/v1/workers", json=worker_body("NOPE"))
    assert response.status_code == 422
    assert "household_code" in response.json["error"]["fields"]


def test_station_cannot_register_into_another_village(api_as, make_household):
    station = api_as("station", [VILLAGE])
    elsewhere = make_household(OTHER_VILLAGE)
    response = station.post("/api/v1/workers", json=worker_body(elsewhere))
    assert response.status_code == 422
    assert "household_code" in response.json["error"]["fields"]


def test_worker_outside_the_station_area_is_not_found(api_as, make_worker, make_household):
    inside = make_worker(make_household(VILLAGE))
    outside = make_worker(make_household(OTHER_VILLAGE))
    station = api_as("station", [VILLAGE])
    assert station.get(f"/api/v1/workers/{inside}").status_code == 200
    assert station.get(f"/api/v1/workers/{outside}").status_code == 404
    assert station.patch(f"/api/v1/workers/{outside}", json={"name": "李四"}).status_code == 404
    listing = station.get("/api/v1/workers").json
    assert [w["id"] for w in listing["items"]] == [inside] and listing["total"] == 1


def test_county_user_sees_the_whole_county_but_cannot_write(api_as, make_worker, make_household):
    a = make_worker(make_household(VILLAGE))
    b = make_worker(make_household(OTHER_VILLAGE))
    county = api_as("county", ["640422000000"])
    assert {w["id"] for w in county.get("/api/v1/workers").json["items"]} == {a, b}
    assert county.post("/api/v1/workers", json=worker_body("H0001")).status_code == 403


def test_roles_without_registry_access_are_refused(api_as, make_worker):
    worker_id = make_worker()
    for role in ("employer", "provider"):
        client = api_as(role)
        assert client.get("/api/v1/workers").status_code == 403
        assert client.get(f"/api/v1/workers/{worker_id}").status_code == 403


def test_a_worker_account_reads_only_its_own_record(api_as, make_worker):
    mine, other = make_worker(), make_worker()
    me = api_as("worker", worker_id=mine)
    assert me.get(f"/api/v1/workers/{mine}").status_code == 200
    assert me.get(f"/api/v1/workers/{other}").status_code == 404


def test_patch_updates_fields_and_keeps_certified_skills(api_as, make_worker):
    worker_id = make_worker(skills=["电焊"])
    station = api_as("station", [VILLAGE])
    response = station.patch(f"/api/v1/workers/{worker_id}",
                             json={"employment_status": "县内就业", "skills": ["砌墙"], "phone": "13900000000"})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["employment_status"] == "local" and body["employed"] is True
    assert [s["name"] for s in body["skills"]] == ["砌墙"]
    assert body["phone_masked"] == "139****0000"


def test_patch_cannot_change_the_id_number(api_as, make_worker):
    worker_id = make_worker()
    station = api_as("station", [VILLAGE])
    response = station.patch(f"/api/v1/workers/{worker_id}", json={"id_number": id_number("19900101", 5)})
    assert response.status_code == 422
    assert "id_number" in response.json["error"]["fields"]


def test_coordinates_default_to_the_village_or_township(api_as, make_worker):
    worker_id = make_worker()
    station = api_as("station", [VILLAGE])
    body = station.get(f"/api/v1/workers/{worker_id}").json
    # 团结村委会 has no point of its own in the fixture: its township's is used
    assert (body["lat"], body["lon"]) == (35.964, 105.748)
    moved = station.patch(f"/api/v1/workers/{worker_id}", json={"lat": 36.0, "lon": 105.9}).json
    assert (moved["lat"], moved["lon"]) == (36.0, 105.9)


def test_search_by_pinyin_initials_masked_id_and_phone_tail(api_as, make_worker, make_household):
    h = make_household()
    ma = make_worker(h, name="马成", phone="13895001234")
    li = make_worker(h, name="李秀兰", phone="13600005678", birth="19750301")
    station = api_as("station", [VILLAGE])

    def found(q):
        return {w["id"] for w in station.get("/api/v1/workers", query_string={"q": q}).json["items"]}

    assert found("macheng") == {ma}
    assert found("MaCheng") == {ma}
    assert found("lxl") == {li}
    assert found("xiulan") == {li}
    assert found("秀兰") == {li}
    assert found("1234") == {ma}
    assert found("13600005678") == {li}
    masked = station.get(f"/api/v1/workers/{li}").json["id_number_masked"]
    assert found(masked) == {li}


def test_filters_employment_status_and_households_with_nobody_employed(api_as, make_worker, make_household):
    idle = make_household()
    busy = make_household()
    a = make_worker(idle)
    make_worker(busy, employment_status="local")
    b = make_worker(busy)
    station = api_as("station", [VILLAGE])
    nobody = station.get("/api/v1/workers", query_string={"nobody_employed": "true"}).json
    assert {w["id"] for w in nobody["items"]} == {a}
    unemployed = station.get("/api/v1/workers", query_string={"employment_status": "未就业"}).json
    assert {w["id"] for w in unemployed["items"]} == {a, b}


def test_reveal_is_for_own_village_station_staff_and_is_audited(app, api_as, make_worker):
    worker_id = make_worker(phone="13895009999")
    station = api_as("station", [VILLAGE])
    response = station.post(f"/api/v1/workers/{worker_id}/reveal")
    assert response.status_code == 200
    assert response.json["phone"] == "13895009999"
    assert len(response.json["id_number"]) == 18
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reveal"))
        assert event is not None and event.entity_id == str(worker_id) and event.user_id is not None
    assert api_as("county", ["640422000000"]).post(f"/api/v1/workers/{worker_id}/reveal").status_code == 403
    assert api_as("station", [OTHER_VILLAGE]).post(f"/api/v1/workers/{worker_id}/reveal").status_code == 404


def test_control_characters_are_refused_by_field(api_as, make_household):
    station = api_as("station", [VILLAGE])
    response = station.post("/api/v1/workers", json=worker_body(make_household(), name="马\x07成",
                                                                skills=["电焊\x00"]))
    assert response.status_code == 422
    assert {"name", "skills.0"} <= set(response.json["error"]["fields"])


def test_out_of_range_numbers_are_refused_not_crashed(api_as, areas):
    station = api_as("station", [VILLAGE])
    assert station.get(f"/api/v1/workers/{10**30}").status_code == 404
    response = station.get("/api/v1/workers", query_string={"offset": 10**30})
    assert response.status_code == 422 and "offset" in response.json["error"]["fields"]
