"""The station home, the county overview and handling an alert through the pages."""
import json
import re
from html import unescape

from core.extensions import db
from core.models import china_today
from jobs.models import LeaveReason, Referral
from tests.conftest import OTHER_VILLAGE, VILLAGE, csrf_token


def figure(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}"[^>]*><strong[^>]*>(\d+)</strong>', html)
    assert match, f"no figure #{element_id}"
    return int(match.group(1))


def test_the_station_home_shows_its_villages_figures_and_alerts(login_as, make_household, make_worker, hire, leave,
                                                                run):
    idle = make_household(monitoring_status="unstable")
    make_worker(idle, skills=["编草帽子"])
    make_worker(make_household(), employment_status="local")
    make_worker(make_household(OTHER_VILLAGE))
    lost = make_household()
    leave(hire(make_worker(lost)), LeaveReason.closure)
    run()
    page = login_as("station", [VILLAGE])
    html = page.get("/", follow_redirects=True).get_data(as_text=True)
    assert "劳保站首页" in html
    assert "西吉县吉强镇团结村委会" in html[html.index('id="my-areas"'):]  # its village by name, not only its code
    assert figure(html, "figure-workers") == 3
    assert figure(html, "figure-employed") == 1
    assert figure(html, "figure-nobody-employed") == 2
    assert figure(html, "figure-open-alerts") == 2  # the monitored household idle, the job lost
    assert html.count('class="alert-row"') == 2
    assert "全家无人就业" in html and "监测户无人就业" in html
    assert "编草帽子" in html  # an unresolved skill waits for review
    assert 'data-chart="' in html and "vendor/chart.umd.min.js" in html
    employed = page.get("/workers?employed=1").get_data(as_text=True)  # the list behind the figure
    assert employed.count("<tr>") - 1 == 1  # one row besides the header


def test_the_county_overview_by_township_and_village(login_as, make_household, make_worker, run):
    home = make_household(monitoring_status="marginal")
    make_worker(home)
    make_worker(home, birth="20150601", relation="child", school_stage="primary")  # not in the labour force
    make_worker(make_household(OTHER_VILLAGE), employment_status="local")
    run()
    page = login_as("county", ["640422000000"])
    html = page.get("/", follow_redirects=True).get_data(as_text=True)
    assert "西吉县" in html and "吉强镇" in html and 'id="chart-employment"' in html
    spec = json.loads(unescape(re.search(r'id="chart-employment" data-chart="([^"]+)"', html).group(1)))
    assert spec["horizontal"] is True and "吉强镇" in spec["labels"]  # names read across, not tilted
    row = re.search(r"吉强镇</a></th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td>(?:<a[^>]*>)?([^<]*)", row)
    assert cells[:4] == ["2", "1", "50.0%", "1"]
    township = page.get("/county?area_code=640422100000").get_data(as_text=True)
    assert "团结村委会" in township and "龙王坝村委会" in township and "按村" in township
    village = login_as("station", [VILLAGE]).get("/county").get_data(as_text=True)  # a station: its village
    assert "团结村委会" in village and 'id="by-area"' not in village


def test_handling_an_alert_through_the_pages(app, login_as, make_household, make_worker, hire, leave, run):
    household = make_household(relocated=True, resettlement_site="兴隆安置区")
    make_worker(household, birth="19900101")
    leave(hire(make_worker(household)), LeaveReason.adaptation)
    run()
    page = login_as("station", [VILLAGE])
    listed = page.get("/alerts?rule=placement_ended_adaptation").get_data(as_text=True)
    alert_id = re.search(r'data-alert-id="(\d+)"', listed).group(1)
    url = f"/alerts/{alert_id}"
    html = page.get(url).get_data(as_text=True)
    assert "不适应" in html and 'id="close-form"' not in html  # nothing done yet: no closing
    refused = page.post(url + "/actions", data={"csrf_token": csrf_token(html), "kind": "visit", "note": ""})
    assert refused.status_code == 422 and "field-error" in refused.get_data(as_text=True)
    done = page.post(url + "/actions", data={"csrf_token": csrf_token(html), "kind": "visit",
                                             "note": "入户走访：夜班不适应，想在县城做白班"})
    assert done.status_code == 302
    html = page.get(url).get_data(as_text=True)
    assert "入户走访：夜班不适应" in html and "处理中" in html
    close_form = html[html.index('id="close-form"'):]
    assert "处理结果" in close_form[:close_form.index("</form>")]  # the outcome of the help, not of an exam
    closed = page.post(url + "/close", data={"csrf_token": csrf_token(html), "note": "已推荐县城白班岗位"})
    assert closed.status_code == 302
    html = page.get(url).get_data(as_text=True)
    assert "已关闭" in html and "已推荐县城白班岗位" in html
    officer = login_as("county", ["640422000000"])  # reads, does not handle
    shown = officer.get(url).get_data(as_text=True)
    assert "已推荐县城白班岗位" in shown and 'id="record-action"' not in shown
    assert officer.post(url + "/close", data={"csrf_token": csrf_token(shown), "note": "x"}).status_code == 403


def test_the_station_home_shows_last_nights_plan(login_as, make_household, make_worker, make_job, run):
    page = login_as("station", [VILLAGE])
    make_worker(make_household(monitoring_status="unstable"), max_commute_km=50)
    make_job(lat=35.96, lon=105.74, required_skills=[], openings=3)
    html = page.get("/station").get_data(as_text=True)
    assert 'class="plan-summary"' not in html  # nothing planned yet
    run("rematch")
    html = page.get("/station").get_data(as_text=True)
    summary = re.search(r'id="plan-640422100200">(.*?)</p>', html, re.S).group(1)
    figures, link = summary.split("<a", 1)
    assert re.findall(r"\d+", figures) == ["1", "1", "1"]  # 1 placed, covering 1 of 1 household
    assert f'href="/allocations?area={VILLAGE}"' in link


def test_a_station_renews_a_public_welfare_post_from_the_warning(app, login_as, make_household, make_worker, hire, run,
                                                                 alerts_of):
    """The warning that a post ends leads to the household's page, where the station renews it for
    a further term (a day not after the current end is refused, naming the field); the rule is then
    quiet."""
    household = make_household(monitoring_status="marginal")
    referral_id = hire(make_worker(household, name="马秀兰"), public_welfare=True, title="护林员", required_skills=[])
    with app.app_context():
        ends = db.session.get(Referral, referral_id).term_ends_on
    days_left = (ends - china_today()).days - app.config["WELFARE_NOTICE_DAYS"]
    run(days=days_left)
    assert alerts_of(household)["welfare_post_not_renewed"] == ("high", "open", 1)

    page = login_as("station", [VILLAGE])
    alert_id = re.search(r'data-alert-id="(\d+)"', page.get("/alerts").get_data(as_text=True)).group(1)
    renew_link = re.search(r'id="renew-link" href="([^"]+)"', page.get(f"/alerts/{alert_id}").get_data(as_text=True))
    html = page.get(renew_link.group(1).replace("#welfare-posts", "")).get_data(as_text=True)
    row = html[html.index(f'id="post-{referral_id}"'):]
    row = row[:row.index("</article>")]
    assert f'data-term-ends="{ends.isoformat()}"' in row and "马秀兰" in row and "护林员" in row
    proposed = re.search(r'name="renew-\d+-until"[^>]* value="([^"]+)"', row).group(1)
    assert proposed == ends.replace(year=ends.year + 1).isoformat()  # a further year after the current end

    url, token = f"/referrals/{referral_id}/renewal", csrf_token(html)
    refused = page.post(url, data={f"renew-{referral_id}-until": ends.isoformat(),
                                   f"renew-{referral_id}-csrf_token": token})
    assert refused.status_code == 422
    assert f'<small class="field-error" id="renew-{referral_id}-until-error">早于当前到期日</small>' \
        in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Referral, referral_id).term_ends_on == ends

    done = page.post(url, data={f"renew-{referral_id}-until": proposed, f"renew-{referral_id}-csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/households/{household}/referrals")
    with app.app_context():
        assert db.session.get(Referral, referral_id).term_ends_on.isoformat() == proposed
    assert f"马秀兰（护林员）的公益性岗位已续聘至 {proposed}。" in page.get(done.headers["Location"]).get_data(as_text=True)
    run(days=days_left + 1)
    assert alerts_of(household)["welfare_post_not_renewed"] == ("high", "open", 1)  # nothing new to warn of

    employer = login_as("employer")
    own_token = csrf_token(employer.get("/employer").get_data(as_text=True))
    assert employer.post(url, data={f"renew-{referral_id}-until": "2099-01-01",
                                    f"renew-{referral_id}-csrf_token": own_token}).status_code == 403
