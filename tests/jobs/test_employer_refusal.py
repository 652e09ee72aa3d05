"""An officer may refuse to verify an employer, with a reason the employer reads (issue 17); a
later verification clears it."""
from tests.conftest import COUNTY, VILLAGE, csrf_token


def test_an_officer_refuses_an_employer_with_the_reason_it_reads(api_as, login_as, make_employer):
    employer = make_employer(verified=False)
    county = api_as("county", [COUNTY])
    assert api_as("station", [VILLAGE]).post(f"/api/v1/employers/{employer}/refuse",
                                             json={"reason": "信用代码与营业执照不符"}).status_code == 403
    empty = county.post(f"/api/v1/employers/{employer}/refuse", json={"reason": ""})
    assert empty.status_code == 422 and list(empty.json["error"]["fields"]) == ["reason"]

    refused = county.post(f"/api/v1/employers/{employer}/refuse", json={"reason": "信用代码与营业执照不符"})

    assert refused.status_code == 200 and refused.json["verified"] is False
    assert refused.json["refused_reason"] == "信用代码与营业执照不符"
    home = login_as("employer", employer_id=employer).get("/employer").get_data(as_text=True)
    assert 'id="refused-banner"' in home and "信用代码与营业执照不符" in home

    verified = county.post(f"/api/v1/employers/{employer}/verify").json
    assert verified["verified"] is True and verified["refused_reason"] is None
    again = county.post(f"/api/v1/employers/{employer}/refuse", json={"reason": "迟了"})
    assert again.status_code == 409  # its postings are public already


def test_the_refusal_is_made_on_the_employers_page(login_as, make_employer):
    employer = make_employer(verified=False)
    page = login_as("county", [COUNTY])
    listed = page.get("/employers?verified=0").get_data(as_text=True)
    assert f'action="/employers/{employer}/refuse"' in listed
    done = page.post(f"/employers/{employer}/refuse", data={"csrf_token": csrf_token(listed), "reason": "车间地址查无此处"})
    assert done.status_code == 302
    shown = page.get("/employers?verified=0").get_data(as_text=True)
    assert "车间地址查无此处" in shown and f'action="/employers/{employer}/refuse"' not in shown
