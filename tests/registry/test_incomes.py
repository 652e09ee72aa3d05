"""A household's income against the monitoring line (issue 16, point 2): officers set the line per
area and year, the station records the yearly income check, and the household's file says the
per-capita net income and whether it is below the line."""
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from tests.conftest import COUNTY, OTHER_COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE

INCOME = {"wage_income": 18000, "business_income": 4000, "property_income": 500, "transfer_income": 2500,
          "business_costs": 1000}  # net 24,000


def test_per_capita_income_is_measured_against_the_countys_line(app, api_as, make_household, make_worker):
    home = make_household()
    for n in range(4):
        make_worker(home, birth=f"19{70 + n}0101")
    county, station = api_as("county", [COUNTY]), api_as("station", [VILLAGE])
    assert county.put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000}).status_code == 200

    checked = station.put(f"/api/v1/households/{home}/incomes/2026", json=INCOME)

    assert checked.status_code == 200, checked.json
    assert (checked.json["net_income"], checked.json["size"], checked.json["per_capita"]) == (24000, 4, 6000.0)
    assert (checked.json["line"], checked.json["below_line"]) == (7000, True)
    income = station.get(f"/api/v1/households/{home}").json["income"]
    assert (income["year"], income["per_capita"], income["below_line"]) == (2026, 6000.0, True)

    better = station.put(f"/api/v1/households/{home}/incomes/2026", json={**INCOME, "wage_income": 26000})
    assert (better.json["per_capita"], better.json["below_line"]) == (8000.0, False)  # corrected, not added
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity == "household_income")).all()
    assert events == [f"{home}/2026", f"{home}/2026"]


def test_the_nearest_area_with_a_line_decides(api_as, make_household, make_worker):
    here, there = make_household(), make_household(OTHER_VILLAGE)
    make_worker(here)
    make_worker(there)
    admin = api_as("admin")
    admin.put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    admin.put(f"/api/v1/areas/{VILLAGE}/monitoring-lines/2026", json={"amount": 9000})
    station = api_as("station", [VILLAGE, OTHER_VILLAGE])
    assert station.put(f"/api/v1/households/{here}/incomes/2026", json={"wage_income": 8000}).json["line"] == 9000
    assert station.put(f"/api/v1/households/{there}/incomes/2026", json={"wage_income": 8000}).json["line"] == 7000
    unset = station.put(f"/api/v1/households/{there}/incomes/2025", json={"wage_income": 8000}).json
    assert (unset["line"], unset["below_line"]) == (None, None)  # no line for 2025 yet


def test_lines_are_set_by_officers_for_their_own_areas(api_as, areas):
    body = {"amount": 7000}
    assert api_as("station", [VILLAGE]).put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json=body).status_code \
        == 403
    county = api_as("county", [COUNTY])
    assert county.put(f"/api/v1/areas/{OTHER_COUNTY}/monitoring-lines/2026", json=body).status_code == 403
    assert county.put(f"/api/v1/areas/{TOWNSHIP}/monitoring-lines/2026", json=body).status_code == 200
    refused = county.put(f"/api/v1/areas/{COUNTY}/monitoring-lines/1899", json=body)
    assert refused.status_code == 422 and "year" in refused.json["error"]["fields"]
    nothing = county.put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 0})
    assert nothing.status_code == 422 and "amount" in nothing.json["error"]["fields"]


def test_incomes_are_the_stations_of_its_own_villages_and_checked(api_as, make_household):
    home = make_household()
    elsewhere = api_as("station", [OTHER_VILLAGE]).put(f"/api/v1/households/{home}/incomes/2026", json=INCOME)
    assert elsewhere.status_code == 404  # not a household it can see
    assert api_as("county", [COUNTY]).put(f"/api/v1/households/{home}/incomes/2026", json=INCOME).status_code == 403
    station = api_as("station", [VILLAGE])
    negative = station.put(f"/api/v1/households/{home}/incomes/2026", json={**INCOME, "business_costs": -5})
    assert negative.status_code == 422 and list(negative.json["error"]["fields"]) == ["business_costs"]
    empty = station.put(f"/api/v1/households/{home}/incomes/2026", json=INCOME).json
    assert (empty["size"], empty["per_capita"], empty["below_line"]) == (0, None, None)  # nobody on file yet
    assert station.get(f"/api/v1/households/{home}").json["income"]["net_income"] == 24000


def test_the_station_records_a_years_income_on_the_household_page(api_as, login_as, make_household, make_worker):
    from tests.conftest import csrf_token
    home = make_household()
    make_worker(home)
    make_worker(home, birth="19900101")
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    page = login_as("station", [VILLAGE])
    token = csrf_token(page.get(f"/households/{home}").get_data(as_text=True))

    refused = page.post(f"/households/{home}/incomes", data={"csrf_token": token, "year": "1890", "wage_income": "9000"})
    assert refused.status_code == 422 and 'id="year-error"' in refused.get_data(as_text=True)  # said on the year
    saved = page.post(f"/households/{home}/incomes", data={"csrf_token": token, "year": "2026", "wage_income": "11000",
                                                           "transfer_income": "1200", "business_costs": ""})
    assert saved.status_code == 302

    html = page.get(f"/households/{home}").get_data(as_text=True)
    row = html[html.index('id="incomes"'):html.index("</table>", html.index('id="incomes"'))]
    assert "2026" in row and "12,200" in row and "6,100" in row and "7,000" in row  # net, per person, line
    assert "badge-warn" in row  # 6,100 a person is below 7,000
    assert 'id="income-form"' not in login_as("county", [COUNTY]).get(f"/households/{home}").get_data(as_text=True)
