"""Areas and households through the API; the division import."""
from pathlib import Path

from click.testing import CliRunner  # noqa: F401  (the app's runner wraps it)
from sqlalchemy import func, select

from core.extensions import db
from registry.models import Area, AreaLevel, Household
from tests.conftest import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE


def test_areas_are_created_top_down_with_checked_codes(api_as):
    admin = api_as("admin")
    assert admin.post("/api/v1/areas", json={"code": COUNTY, "name": "西吉县", "level": "county"}).status_code == 201
    assert admin.post("/api/v1/areas", json={"code": TOWNSHIP, "name": "吉强镇", "level": "乡镇",
                                             "parent_code": COUNTY, "lat": 35.96, "lon": 105.75}).status_code == 201
    village = admin.post("/api/v1/areas", json={"code": VILLAGE, "name": "团结村委会", "level": "village",
                                                "parent_code": TOWNSHIP})
    assert village.status_code == 201 and village.json["level"] == "village"
    dup = admin.post("/api/v1/areas", json={"code": VILLAGE, "name": "x", "level": "village", "parent_code": TOWNSHIP})
    assert dup.status_code == 409
    wrong_parent = admin.post("/api/v1/areas", json={"code": "640422100300", "name": "x", "level": "village",
                                                     "parent_code": COUNTY})
    assert wrong_parent.status_code == 422 and "parent_code" in wrong_parent.json["error"]["fields"]
    outside = admin.post("/api/v1/areas", json={"code": "640423100300", "name": "x", "level": "village",
                                                "parent_code": TOWNSHIP})
    assert outside.status_code == 422 and "code" in outside.json["error"]["fields"]
    short = admin.post("/api/v1/areas", json={"code": "640422", "name": "x", "level": "county"})
    assert short.status_code == 422 and "code" in short.json["error"]["fields"]


def test_county_officer_adds_areas_only_inside_the_county(api_as, areas):
    county = api_as("county", [COUNTY])
    assert county.post("/api/v1/areas", json={"code": "640422100300", "name": "新村", "level": "village",
                                              "parent_code": TOWNSHIP}).status_code == 201
    assert county.post("/api/v1/areas", json={"code": "522326001099", "name": "外县村", "level": "village",
                                              "parent_code": "522326001000"}).status_code == 403
    assert api_as("station", [VILLAGE]).post("/api/v1/areas", json={"code": "640422100301", "name": "x",
                                             "level": "village", "parent_code": TOWNSHIP}).status_code == 403


def test_household_lifecycle_and_conflict(api_as, areas):
    station = api_as("station", [VILLAGE])
    body = {"code": "H1", "village_code": VILLAGE, "monitoring_status": "边缘易致贫户", "lifted_out": True,
            "relocated": True, "resettlement_site": "县城移民安置区", "helper_name": "王建华"}
    created = station.post("/api/v1/households", json=body)
    assert created.status_code == 201
    assert created.json["monitoring_status"] == "marginal" and created.json["employed_count"] == 0
    assert station.post("/api/v1/households", json=body).status_code == 409
    station.post("/api/v1/workers", json={"id_number": "640422198808080011", "name": "马成", "household_code": "H1",
                                          "employment_status": "migrant_out_province"})
    household = station.get("/api/v1/households/H1").json
    assert household["employed_count"] == 1 and household["members"][0]["name"] == "马成"
    assert household["village_name"] == "团结村委会"


def test_household_outside_the_station_area(api_as, make_household):
    code = make_household(OTHER_VILLAGE)
    station = api_as("station", [VILLAGE])
    assert station.get(f"/api/v1/households/{code}").status_code == 404
    refused = station.post("/api/v1/households", json={"code": "HX", "village_code": OTHER_VILLAGE})
    assert refused.status_code == 403 and "village_code" in refused.json["error"]["fields"]
    unknown = station.post("/api/v1/households", json={"code": "HY", "village_code": "640422100999"})
    assert unknown.status_code == 422


def test_household_list_filters_nobody_employed(api_as, make_household, make_worker):
    idle, busy, empty = make_household(), make_household(), make_household()
    make_worker(idle)
    make_worker(busy, employment_status="public_welfare")
    station = api_as("station", [VILLAGE])
    listed = station.get("/api/v1/households", query_string={"nobody_employed": "1"}).json
    assert {h["code"] for h in listed["items"]} == {idle, empty}
    assert station.get("/api/v1/households").json["total"] == 3


def test_division_file_import_is_idempotent_and_converts_coordinates(app):
    from registry.divisions import import_divisions
    data = Path(app.config["DATA_DIR"])
    with app.app_context():
        first = import_divisions(db.session, data / "divisions" / "sample_counties_villages_5level.csv", data, county="640422")
        db.session.commit()
        second = import_divisions(db.session, data / "divisions" / "sample_counties_villages_5level.csv", data, county="640422")
        villages = db.session.scalar(select(func.count()).select_from(Area).where(Area.level == AreaLevel.village))
        county = db.session.get(Area, "640422000000")
        township = db.session.get(Area, "640422100000")
    assert first.created == villages + 1 + 19 or first.created > 300
    assert second.created == 0 and second.updated == 0
    assert villages == 308
    # GCJ-02 (105.729085, 35.963912) moved to WGS-84: a few hundred metres west and north
    assert county.name == "西吉县" and abs(county.lon - 105.7250) < 0.001 and abs(county.lat - 35.9641) < 0.001
    assert township.lat is not None


def test_areas_import_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["areas", "import", "data/divisions/sample_counties_villages_5level.csv"])
    assert result.exit_code == 0, result.output
    assert "949" in result.output or "created" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Area).where(Area.level == AreaLevel.village)) == 949
    points = runner.invoke(args=["areas", "import", "data/divisions/vonng_adcode_sample_counties_all_levels.csv"])
    assert points.exit_code == 0 and "located" in points.output


def test_demo_load_builds_the_county_and_accounts_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--households", "40"])
    assert first.exit_code == 0, first.output
    assert "station" in first.output and "demo-station-2026" in first.output
    assert "12 postings" in first.output and "8 courses" in first.output
    with app.app_context():
        households = db.session.scalar(select(func.count(Household.id)))
        from jobs.models import Employer, Job
        employers = db.session.scalars(select(Employer)).all()
        assert all(e.address and not e.name.startswith(e.address) for e in employers)  # addresses, not names cut short
        assert all(j.lat is not None and j.lon is not None for j in db.session.scalars(select(Job)))  # every posting placed
        relocated = db.session.scalars(select(Household).where(Household.relocated.is_(True))).all()
        assert relocated and all(h.resettlement_area_code for h in relocated)
    second = runner.invoke(args=["demo", "load", "--households", "40"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == households == 40
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "station", "password": "demo-station-2026"})
    assert token.status_code == 200


def test_areas_are_listed_by_parent_and_level(api_as, areas):
    client = api_as("employer")
    villages = client.get("/api/v1/areas", query_string={"parent_code": TOWNSHIP}).json
    assert villages["total"] == 2 and {a["name"] for a in villages["items"]} == {"团结村委会", "龙王坝村委会"}
    counties = client.get("/api/v1/areas", query_string={"level": "县"}).json
    assert [a["code"] for a in counties["items"]] == ["522326000000", COUNTY]
    assert client.get(f"/api/v1/areas/{VILLAGE}").json["full_name"] == "西吉县吉强镇团结村委会"


def test_the_demo_gives_every_township_households_whose_names_agree_with_their_sex(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load", "--households", "60"]).exit_code == 0
    with app.app_context():
        from registry.models import Area, AreaLevel, Worker
        townships = set(db.session.scalars(select(Area.code).where(Area.level == AreaLevel.township,
                                                                   Area.code.like("640422%"))))
        used = {code[:9] + "000" for code in db.session.scalars(select(Household.village_code))}
        assert len(townships) == 19 and used == townships
        women_names = ("梅", "兰", "花", "燕", "娟", "芳", "霞", "琴", "英", "秀")
        names_by_sex = db.session.execute(select(Worker.name, Worker.sex)).all()
        assert not [n for n, sex in names_by_sex if sex.name == "male" and n.endswith(women_names)]
