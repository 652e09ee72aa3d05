"""Those who show the way (issue 18, 扶志): stations record stories and local experts with the day of
the person's written consent (required, not in the future), inside their own areas; published ones
only are on the public board and `GET /api/v1/public/stories`, grouped by township, with the name as
recorded and nothing else of the person (no phone, ID number or registry link)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, china_today
from tests.conftest import COUNTY, FAR_VILLAGE, OTHER_COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE, csrf_token

PHONE = "13995004321"


def record(**fields) -> dict:
    return {"kind": "story", "name": "马晓燕", "area_code": VILLAGE, "title": "从打零工到焊工班长",
            "story": "2019年参加电焊培训，如今在县里的帮扶车间当班长，每月收入五千元。",
            "consent_on": (china_today() - timedelta(days=3)).isoformat(), **fields}


@pytest.fixture(autouse=True)
def _places(areas):
    """Every test here records in the suite's villages and townships."""
    return areas


@pytest.fixture
def station(api_as):
    return api_as("station", [VILLAGE])


def create(client, **fields):
    response = client.post("/api/v1/exemplars", json=record(**fields))
    assert response.status_code == 201, response.json
    return response.json


def public_stories(client, **query) -> list[dict]:
    response = client.get("/api/v1/public/stories", query_string=query)
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_the_day_of_written_consent_is_required_and_not_in_the_future(station):
    missing = record()
    del missing["consent_on"]
    refused = station.post("/api/v1/exemplars", json=missing)
    assert refused.status_code == 422 and "consent_on" in refused.json["error"]["fields"]
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    refused = station.post("/api/v1/exemplars", json=record(consent_on=tomorrow))
    assert refused.status_code == 422 and "consent_on" in refused.json["error"]["fields"]
    made = create(station, consent_on=china_today().isoformat())
    assert made["published"] is False and made["consent_on"] == china_today().isoformat()
    patched = station.patch(f"/api/v1/exemplars/{made['id']}", json={"consent_on": tomorrow})
    assert patched.status_code == 422 and "consent_on" in patched.json["error"]["fields"]
    assert station.get("/api/v1/exemplars").json["total"] == 1


def test_a_station_records_only_in_its_own_areas(app, station, make_worker, make_household):
    outside = station.post("/api/v1/exemplars", json=record(area_code=OTHER_VILLAGE))
    assert outside.status_code == 422 and "area_code" in outside.json["error"]["fields"]
    county = station.post("/api/v1/exemplars", json=record(area_code=COUNTY))  # a village or a township
    assert county.status_code == 422 and "area_code" in county.json["error"]["fields"]
    stranger = make_worker(household=make_household(village=FAR_VILLAGE))
    refused = station.post("/api/v1/exemplars", json=record(worker_id=stranger))
    assert refused.status_code == 422 and "worker_id" in refused.json["error"]["fields"]
    own = make_worker()
    made = create(station, worker_id=own, trade="电焊")
    assert made["worker_id"] == own and made["kind"] == "story"
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "exemplar")).all()
        assert [(e.action, e.entity_id, e.area_code) for e in events] == [("create", str(made["id"]), VILLAGE)]


def test_another_areas_records_are_not_found(api_as, station):
    made = create(station)
    far = api_as("station", [FAR_VILLAGE])
    assert far.get(f"/api/v1/exemplars/{made['id']}").status_code == 404
    assert far.post(f"/api/v1/exemplars/{made['id']}/publish").status_code == 404
    assert far.patch(f"/api/v1/exemplars/{made['id']}", json={"title": "改"}).status_code == 404
    assert far.get("/api/v1/exemplars").json["total"] == 0
    assert api_as("county", [COUNTY]).get("/api/v1/exemplars").json["total"] == 1
    for role in ("employer", "worker", "provider"):
        assert api_as(role).get("/api/v1/exemplars").status_code == 403


def test_only_published_ones_are_public(client, station):
    shown = create(station, title="滩羊养殖带头人", kind="leader", trade="滩羊养殖")
    hidden = create(station, title="尚未发布的故事")
    assert public_stories(client) == []
    published = station.post(f"/api/v1/exemplars/{shown['id']}/publish")
    assert published.status_code == 200 and published.json["published"] is True
    assert [s["id"] for s in public_stories(client)] == [shown["id"]]
    assert client.get(f"/board/stories/{shown['id']}").status_code == 200
    assert client.get(f"/board/stories/{hidden['id']}").status_code == 404
    assert hidden["title"] not in client.get("/board").get_data(as_text=True)

    assert station.post(f"/api/v1/exemplars/{shown['id']}/unpublish").json["published"] is False
    assert public_stories(client) == []
    assert client.get(f"/board/stories/{shown['id']}").status_code == 404


def test_the_public_sees_no_personal_data(client, station, make_worker):
    worker = make_worker(phone=PHONE)
    made = create(station, worker_id=worker, story=f"有事请打电话{PHONE}找我。", trade="刺绣", kind="expert")
    station.post(f"/api/v1/exemplars/{made['id']}/publish")
    (story,) = public_stories(client)
    assert set(story) == {"id", "kind", "kind_label", "name", "title", "story", "trade", "area_code", "area_name",
                          "township_code", "township_name", "published_on"}
    assert story["name"] == "马晓燕" and story["trade"] == "刺绣" and story["township_name"] == "吉强镇"
    assert PHONE not in story["story"] and "有事请打电话" in story["story"]
    for html in (client.get("/board").get_data(as_text=True),
                 client.get(f"/board/stories/{made['id']}").get_data(as_text=True)):
        assert PHONE not in html and f"/workers/{worker}" not in html


def test_the_board_groups_published_stories_by_township(client, api_as, station, make_household):
    near = create(station, title="龙王坝的绣娘", area_code=VILLAGE, trade="刺绣", kind="expert")
    township = create(api_as("county", [COUNTY]), title="镇上的致富带头人", area_code=TOWNSHIP, kind="leader")
    far_station = api_as("station", [FAR_VILLAGE])
    far = create(far_station, title="望谟的返乡创业者", area_code=FAR_VILLAGE)
    hidden = create(station, title="还没发布的")
    station.post(f"/api/v1/exemplars/{near['id']}/publish")
    api_as("county", [COUNTY]).post(f"/api/v1/exemplars/{township['id']}/publish")
    far_station.post(f"/api/v1/exemplars/{far['id']}/publish")

    html = client.get("/board").get_data(as_text=True)
    groups = dict(re.findall(r'<section class="stories-township" data-township="(\d+)">(.*?)</section>', html, re.S))
    assert set(groups) == {TOWNSHIP, "522326001000"}
    assert "吉强镇" in groups[TOWNSHIP] and "王母街道" in groups["522326001000"]
    ids = {code: {int(n) for n in re.findall(r'data-story-id="(\d+)"', part)} for code, part in groups.items()}
    assert ids == {TOWNSHIP: {near["id"], township["id"]}, "522326001000": {far["id"]}}
    assert hidden["title"] not in html and "刺绣" in groups[TOWNSHIP]

    assert {s["id"] for s in public_stories(client, area_code=OTHER_COUNTY)} == {far["id"]}
    assert {s["township_code"] for s in public_stories(client)} == {TOWNSHIP, "522326001000"}
    in_township = client.get("/board", query_string={"area_code": TOWNSHIP}).get_data(as_text=True)
    assert "望谟的返乡创业者" not in in_township and "龙王坝的绣娘" in in_township
    assert client.get("/api/v1/public/stories", query_string={"area_code": "123456789012"}).status_code == 422


def _post(page, url, data, form_url):
    token = csrf_token(page.get(form_url).get_data(as_text=True))
    return page.post(url, data={**data, "csrf_token": token})


def test_the_station_records_edits_and_publishes_on_its_page(client, login_as):
    page = login_as("station", [VILLAGE])
    form = page.get("/exemplars").get_data(as_text=True)
    assert 'id="new-exemplar"' in form and f'value="{VILLAGE}"' in form and f'value="{FAR_VILLAGE}"' not in form
    missing = record(consent_on="")
    refused = _post(page, "/exemplars", missing, "/exemplars")
    assert refused.status_code == 422 and 'id="consent_on-error"' in refused.get_data(as_text=True)
    assert _post(page, "/exemplars", record(), "/exemplars").status_code == 302
    listed = page.get("/exemplars").get_data(as_text=True)
    exemplar_id = int(re.search(r'data-exemplar-id="(\d+)" data-published="false"', listed).group(1))

    edited = _post(page, f"/exemplars/{exemplar_id}/edit", record(title="焊工班长马晓燕"), f"/exemplars/{exemplar_id}/edit")
    assert edited.status_code == 302
    assert _post(page, f"/exemplars/{exemplar_id}/publish", {}, "/exemplars").status_code == 302
    assert f'data-exemplar-id="{exemplar_id}" data-published="true"' in page.get("/exemplars").get_data(as_text=True)
    assert "焊工班长马晓燕" in client.get("/board").get_data(as_text=True)
    assert _post(page, f"/exemplars/{exemplar_id}/unpublish", {}, "/exemplars").status_code == 302
    assert "焊工班长马晓燕" not in client.get("/board").get_data(as_text=True)
    assert login_as("station", [OTHER_VILLAGE]).get(f"/exemplars/{exemplar_id}/edit").status_code == 404
