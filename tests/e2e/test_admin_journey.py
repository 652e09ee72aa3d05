"""The administrator's part, in the real browser: a station reveals a villager's ID number (the
only way to see it in full), and the administrator, who lands on the county overview, finds that
reading in the audit log: who, which record, which fields. With the other journeys every role has
its way through the browser: station staff (registry, jobs, matching, monitoring), employer and
county officer (jobs, monitoring), provider and trainee (training), administrator (here).

Assertions look at data and ids, not at interface text."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import id_number
from tests.e2e.accounts import sign_in, sign_out

pytestmark = pytest.mark.e2e

VILLAGE = "640422100005"  # 锦绣社区, a village of 吉强镇 of its own
STATION_LOGIN = ("station-audit", "station-pass-321")
ADMIN_LOGIN = ("admin-audit", "admin-pass-321")
NUMBER = id_number("19870606", 87)


@pytest.fixture(scope="module")
def villager(live_server):
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from registry import services
    from registry.schemas import HouseholdIn, WorkerIn
    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="锦绣社区劳保站")
        create_user(db.session, *ADMIN_LOGIN, Role.admin, display_name="系统管理员")
        services.create_household(db.session, HouseholdIn().load({"code": "AUD-0001", "village_code": VILLAGE}),
                                  loader)
        worker = services.create_worker(db.session, WorkerIn().load(
            {"household_code": "AUD-0001", "name": "苏秀英", "id_number": NUMBER, "phone": "13895006606"}), loader)
        db.session.commit()
        worker_id = worker.id
        db.session.remove()
    return worker_id


def test_a_revealed_id_number_is_in_the_administrators_audit_log(page, villager, snap):
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/workers/{villager}")
    expect(page.locator("#id-number")).not_to_have_text(NUMBER)  # masked by default
    page.locator("main form[action$='/reveal'] button").click()
    expect(page.locator("#id-number")).to_have_text(NUMBER)
    sign_out(page)

    sign_in(page, *ADMIN_LOGIN)
    expect(page).to_have_url(re.compile(r"/county$"))  # the administrator starts on the overview
    page.goto("/audit")
    rows = page.locator(".audit-row[data-action='reveal']", has_text=STATION_LOGIN[0])
    expect(rows.first).to_have_attribute("data-entity-id", str(villager))
    expect(rows.first).to_have_attribute("data-fields", "id_number phone")
    expect(page.locator("#audit-events")).not_to_contain_text(NUMBER)  # the log names the field, not the number
    snap("audit-log")
    sign_out(page)
