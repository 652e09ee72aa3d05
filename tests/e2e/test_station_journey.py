"""A village station worker's day, in the real browser, in Chinese (the default): sign in,
register a household and a member, get a bad ID number refused, import a ledger with good and
bad rows, find someone by pinyin, and switch the interface to English and back."""
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.conftest import id_number
from tests.e2e.accounts import from_menu

pytestmark = pytest.mark.e2e

HOUSEHOLD = "TJ-2025-0001"
PHONE = {"width": 390, "height": 844}  # a common phone, CSS pixels



def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def masked(number: str) -> str:
    return number[:6] + "*" * 10 + number[-2:]


def translated(live_server, text: str) -> str:
    """What the server's Chinese catalogue makes of `text` (itself while untranslated)."""
    from flask_babel import gettext
    with live_server.app.test_request_context("/"):
        return gettext(text)


def rows_of(table) -> list[list[str]]:
    return [[c.strip() for c in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def test_station_worker_journey(page, live_server, snap, tmp_path):
    html = page.locator("html")
    submit = page.locator("main form button[type=submit]")

    # --- signing in, in Chinese ----------------------------------------------------------------
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    if translated(live_server, "Sign in") != "Sign in":
        expect(page.locator("main h1")).to_have_text("登录")
    snap("0-login")
    page.locator("#username").fill(live_server.username)
    page.locator("#password").fill(live_server.password)
    submit.click()
    expect(page).to_have_url(live_server.url + "/station")  # the station lands on its home
    expect(page.locator("header")).to_contain_text("团结村劳保站")  # the account's display name
    snap("1-home")

    # --- registering a household ---------------------------------------------------------------
    page.locator('main a[href="/households/new"]').click()
    expect(page).to_have_url(re.compile(r"/households/new$"))
    expect(page.locator("#village_code option")).to_have_count(1)  # the station's one village
    expect(page.locator("#village_code")).to_contain_text("团结村委会")
    page.locator("#code").fill(HOUSEHOLD)
    page.locator("#village_code").select_option(live_server.village)
    page.locator("#monitoring_status").select_option("unstable")
    page.locator("#lifted_out").check()
    expect(page.locator("#relocated")).not_to_be_checked()
    submit.click()
    expect(page).to_have_url(re.compile(rf"/households/{HOUSEHOLD}$"))
    expect(page.locator("main h1")).to_contain_text(HOUSEHOLD)
    expect(page.locator("main")).to_contain_text("团结村委会")
    expect(page.locator("main #household-status")).to_contain_text("脱贫不稳定户")
    expect(page.locator(".flash-success")).to_contain_text(HOUSEHOLD)
    snap("2-household")

    # --- adding a member: first with a wrong check digit, refused next to the field -------------
    good_id = id_number("19880808", 11)  # 11: odd sequence, a man
    bad_id = wrong_check_digit(good_id)
    page.locator(f'main a[href="/workers/new?household={HOUSEHOLD}"]').click()
    expect(page.locator("#household_code")).to_have_value(HOUSEHOLD)
    page.locator("#name").fill("马成")
    page.locator("#id_number").fill(bad_id)
    page.locator("#phone").fill("13895001234")
    page.locator("#education").select_option("junior")
    page.locator("#skills").fill("电焊、会开叉车、编草帽子")
    submit.click()
    expect(page).to_have_url(re.compile(r"/workers/new"))
    error = page.locator("#id_number-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#id_number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_have_count(1)  # only the ID number is wrong
    expect(page.locator("#name")).to_have_value("马成")  # what was typed is kept
    expect(page.locator("#skills")).to_have_value("电焊、会开叉车、编草帽子")
    snap("3-bad-id")

    # nothing was created: the household, opened in a second tab, still has no member
    other = page.context.new_page()
    other.goto(f"/households/{HOUSEHOLD}")
    members = other.locator("#members")
    expect(members.locator("a")).to_have_count(0)
    expect(members).not_to_contain_text("马成")
    other.close()

    # ... then with the right one
    page.locator("#id_number").fill(good_id)
    submit.click()
    expect(page).to_have_url(re.compile(r"/workers/\d+$"))
    expect(page.locator("main h1")).to_contain_text("马成")
    expect(page.locator("#id-number")).to_have_text(masked(good_id))
    expect(page.locator("body")).not_to_contain_text(good_id)
    expect(page.locator("#phone")).to_have_text("138****1234")
    expect(page.locator("main .facts")).to_contain_text("1988-08-08")
    expect(page.locator("main .facts")).to_contain_text("初中")
    skills = page.locator("ul.skills > li")
    expect(skills).to_have_count(3)
    welding = skills.filter(has_text="电焊")
    expect(welding).to_contain_text("焊工")
    expect(welding.locator(".warn")).to_have_count(0)
    expect(skills.filter(has_text="会开叉车").locator(".warn")).to_have_count(0)
    straw_hats = skills.filter(has_text="编草帽子")
    expect(straw_hats.locator(".warn")).to_be_visible()  # not in the catalogue: flagged for review
    expect(straw_hats).not_to_contain_text("→")
    snap("4-worker")

    page.locator("main a", has_text=HOUSEHOLD).click()
    expect(page.locator("#members li > a")).to_have_text(["马成"])
    expect(page.locator("#members")).to_contain_text(masked(good_id))

    # --- importing a ledger: good rows kept, bad rows listed by row number ----------------------
    people = [  # (name, ID, phone, education, skills): rows 2 to 5 of the sheet
        ("李秀兰", id_number("19750301", 2), "13600005678", "小学", "缝纫、做饭"),
        ("马福", wrong_check_digit(id_number("19900101", 3)), "13600000001", "初中", "电焊"),
        ("海平", id_number("19950909", 7), "13600000007", "中专/中职", "开挖掘机;会开叉车"),
        ("马强", id_number("19920505", 5), "13600000005", "博士", "砌墙"),
    ]
    book = Workbook()
    sheet = book.active
    sheet.append(["户编号", "姓名", "身份证号", "手机号", "文化程度", "技能"])
    for name, number, phone, education, skill_text in people:
        sheet.append([HOUSEHOLD, name, number, phone, education, skill_text])
    ledger = tmp_path / "团结村劳动力台账.xlsx"
    book.save(ledger)

    from_menu(page, 'a[href="/import"]').click()
    expect(page).to_have_url(re.compile(r"/import$"))
    page.locator("#kind").select_option("workers")
    page.locator("#file").set_input_files(str(ledger))
    submit.click()
    report = page.locator("#import-report")
    expect(report).to_be_visible()
    figures = report.locator("p strong")
    expect(figures.nth(0)).to_contain_text("2")  # created
    expect(figures.nth(1)).to_contain_text("0")  # updated
    expect(figures.nth(2)).to_contain_text("2")  # problems
    problems = rows_of(report.locator("table"))
    assert [(row, field) for row, field, _ in problems] in (
        [("3", "id_number"), ("5", "education")], [("3", "身份证号"), ("5", "文化程度")]), problems
    assert all(message for _, _, message in problems), problems
    snap("5-import")

    page.goto(f"/households/{HOUSEHOLD}")
    expect(page.locator("#members li > a")).to_have_count(3)
    expect(page.locator("#members")).not_to_contain_text("马福")
    expect(page.locator("#members")).not_to_contain_text("马强")
    snap("5b-household-after-import")

    # --- finding someone by pinyin --------------------------------------------------------------
    from_menu(page, 'a[href="/workers"]').click()
    results = page.locator("main table tbody")
    expect(results.locator("a[href^='/workers/']")).to_have_count(3)
    search = page.locator("main form input[name=q]")
    for query in ("lixiulan", "lxl"):
        search.fill(query)
        submit.click()
        expect(page).to_have_url(re.compile(rf"[?&]q={query}"))
        expect(results.locator("tr")).to_have_count(1)
        expect(results.locator("tr").first).to_contain_text("李秀兰")
        expect(results.locator("tr").first).to_contain_text(HOUSEHOLD)
        expect(results.locator("tr").first).to_contain_text(masked(people[0][1]))
    snap("6-search")

    # --- English and back -----------------------------------------------------------------------
    heading = page.locator("main h1")
    chinese_heading = heading.inner_text()
    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/workers\?q=lxl"))  # same page, same search
    expect(heading).to_contain_text("Workers")
    if translated(live_server, "Workers") != "Workers":
        expect(heading).not_to_have_text(chinese_heading)
    expect(results.locator("tr").first).to_contain_text("李秀兰")  # data stays as written
    expect(results.locator("tr").first).to_contain_text("unemployed")  # labels follow the language
    snap("7-english")
    page.get_by_role("button", name="中文").click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(heading).to_have_text(chinese_heading)
    expect(results.locator("tr").first).to_contain_text("未就业")
    expect(page.get_by_role("button", name="English")).to_be_visible()


@pytest.mark.viewport(**PHONE)
def test_station_pages_on_a_phone(page, sign_in, snap):
    """The station's pages at phone width: the forms work, nothing is wider than the screen."""
    sign_in()
    submit = page.locator("main form button[type=submit]")
    page.goto("/households/new")
    page.locator("#code").fill("TJ-PHONE-01")
    page.locator("#village_code").select_option("640422100200")
    page.locator("#relocated").check()
    page.locator("#resettlement_site").fill("吉强镇移民安置小区")
    submit.click()
    expect(page.locator("main h1")).to_contain_text("TJ-PHONE-01")
    page.locator('main a[href="/workers/new?household=TJ-PHONE-01"]').click()
    page.locator("#name").fill("马尔布都")
    page.locator("#id_number").fill(id_number("20010214", 24))
    page.locator("#skills").fill("种大棚菜、会开挖掘机、做馓子")
    submit.click()
    expect(page).to_have_url(re.compile(r"/workers/\d+$"))
    worker_path = page.url.removeprefix(page.url.split("/workers/")[0])

    overflow = {}
    for step, path in [("home", "/"), ("household-form", "/households/new"),
                       ("worker-form", "/workers/new"), ("household", "/households/TJ-PHONE-01"),
                       ("worker", worker_path), ("households", "/households"),
                       ("workers", "/workers"), ("import", "/import")]:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        for field in page.locator("main form input:not([type=hidden]), main form select, main form textarea").all():
            box = field.bounding_box()
            if box is not None and box["width"] > 0:
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (path, field, box)
        # innerWidth grows with the content in mobile emulation: compare with the screen itself
        overflow[path] = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        snap(step)
    too_wide = {path: px for path, px in overflow.items() if px > 0}
    assert not too_wide, f"pages wider than the phone, by (px): {too_wide}"
