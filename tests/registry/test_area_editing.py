"""The administrator corrects areas: names, points and parents, through the API and the areas pages;
a parent must be of the level above and contain the area's code, since scoping reads the code."""
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from registry.models import Area, AreaLevel
from tests.conftest import COUNTY, FAR_VILLAGE, OTHER_COUNTY, OTHER_TOWNSHIP, TOWNSHIP, VILLAGE, csrf_token

SECOND_TOWNSHIP = "640422101000"


def stored(app, code) -> Area:
    with app.app_context():
        area = db.session.get(Area, code)
        db.session.expunge(area)
        return area


def test_an_administrator_renames_and_places_an_area(app, api_as, areas):
    admin = api_as("admin")
    changed = admin.patch(f"/api/v1/areas/{VILLAGE}", json={"name": "团结村", "lat": 35.97, "lon": 105.73})
    assert changed.status_code == 200, changed.json
    assert changed.json["name"] == "团结村" and changed.json["lat"] == 35.97 and changed.json["full_name"].endswith("团结村")
    area = stored(app, VILLAGE)
    assert (area.name, area.lat, area.lon) == ("团结村", 35.97, 105.73)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "area"))
        assert event.entity_id == VILLAGE and set(event.fields) == {"name", "lat", "lon"}
    cleared = admin.patch(f"/api/v1/areas/{VILLAGE}", json={"lat": None, "lon": None})
    assert cleared.status_code == 200 and cleared.json["lat"] is None


@pytest.mark.parametrize("code, body, field", [
    (VILLAGE, {"name": ""}, "name"),
    (VILLAGE, {"lat": 95}, "lat"),
    (VILLAGE, {"lon": "east"}, "lon"),
    (VILLAGE, {"lat": 35.9}, "lon"),  # a point needs both
    (VILLAGE, {"parent_code": COUNTY}, "parent_code"),  # a village hangs under a township
    (VILLAGE, {"parent_code": OTHER_TOWNSHIP}, "parent_code"),  # whose code it lies inside
    (VILLAGE, {"parent_code": "640422999000"}, "parent_code"),  # that exists
    (VILLAGE, {"parent_code": "12"}, "parent_code"),
    (COUNTY, {"parent_code": OTHER_COUNTY}, "parent_code"),  # a county has none
])
def test_a_wrong_correction_is_refused_naming_the_field_and_changes_nothing(app, api_as, areas, code, body, field):
    before = stored(app, code)
    refused = api_as("admin").patch(f"/api/v1/areas/{code}", json=body)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    after = stored(app, code)
    assert (after.name, after.lat, after.lon, after.parent_code) == \
        (before.name, before.lat, before.lon, before.parent_code)


def test_a_parent_is_set_where_it_was_missing(app, api_as, areas):
    admin = api_as("admin")
    with app.app_context():
        db.session.add(Area(code="640422100300", name="孤村", level=AreaLevel.village, parent_code=None))
        db.session.commit()
    fixed = admin.patch("/api/v1/areas/640422100300", json={"parent_code": TOWNSHIP})
    assert fixed.status_code == 200 and fixed.json["parent_code"] == TOWNSHIP


@pytest.mark.parametrize("role", ["county", "station", "provider", "employer", "worker"])
def test_only_an_administrator_edits_areas(api_as, areas, role):
    client = api_as(role, {"county": [COUNTY], "station": [VILLAGE]}.get(role, []))
    assert client.patch(f"/api/v1/areas/{VILLAGE}", json={"name": "改名"}).status_code == 403


def test_an_unknown_area_is_404(api_as, areas):
    assert api_as("admin").patch("/api/v1/areas/640422100999", json={"name": "无"}).status_code == 404


def test_the_areas_page_lists_counties_townships_and_villages_with_points(app, login_as, areas):
    with app.app_context():
        db.session.add(Area(code="640422100300", name="孤村", level=AreaLevel.village, parent_code=None))
        db.session.commit()
    admin = login_as("admin")
    html = admin.get("/areas").get_data(as_text=True)
    county = re.search(rf'<section class="area-county" id="area-{COUNTY}".*?</section>', html, re.S).group(0)
    township = re.search(rf'<details class="area-township" id="area-{TOWNSHIP}".*?</details>', county, re.S).group(0)
    assert f'data-parent="{COUNTY}"' in township
    assert f'id="area-{VILLAGE}" data-code="{VILLAGE}" data-parent="{TOWNSHIP}"' in township
    assert "团结村委会" in township and "龙王坝村委会" in township
    assert 'data-lat="35.95" data-lon="105.7"' in township  # 龙王坝's point
    assert FAR_VILLAGE not in county  # another county's village is under that county
    unplaced = re.search(r'<section id="unplaced-areas">.*?</section>', html, re.S).group(0)
    assert 'data-code="640422100300"' in unplaced
    assert admin.get(f"/areas/{VILLAGE}").status_code == 200


def test_the_area_form_saves_and_shows_refusals_on_the_field(app, login_as, areas):
    admin = login_as("admin")
    url = f"/areas/{VILLAGE}"
    form = admin.get(url).get_data(as_text=True)
    assert f'<option selected value="{TOWNSHIP}">' in form or f'value="{TOWNSHIP}" selected' in form
    assert OTHER_TOWNSHIP not in form  # a village's parent is a township of its own county
    token = csrf_token(form)
    saved = admin.post(url, data={"csrf_token": token, "name": "团结村", "lat": "35.97", "lon": "105.73",
                                  "parent_code": TOWNSHIP})
    assert saved.status_code == 302
    assert (stored(app, VILLAGE).name, stored(app, VILLAGE).lat) == ("团结村", 35.97)
    refused = admin.post(url, data={"csrf_token": token, "name": "团结村", "lat": "99", "lon": "105.73",
                                    "parent_code": TOWNSHIP})
    assert refused.status_code == 422 and 'id="lat-error"' in refused.get_data(as_text=True)
    assert stored(app, VILLAGE).lat == 35.97
    assert login_as("county", [COUNTY]).get(url).status_code == 403
