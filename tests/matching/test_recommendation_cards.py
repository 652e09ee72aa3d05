"""The cards of a worker's recommendations (issue 14): "others already put forward" counts only the
people referred to that posting and still waiting for an answer; a posting asking for no skill
shows no skill percentage; the postings open once a skill is learned are listed, with the course
that teaches it."""
import re

from core.extensions import db
from core.models import Role, User
from jobs import referral_lifecycle
from jobs.models import Referral, ReferralStatus
from tests.conftest import VILLAGE
from tests.matching.test_matching_pages import element, ids_in_order, near
from tests.training.conftest import course_body

ADMIN = User(role=Role.admin, username="t")


def refer(app, worker_id: int, job_id: int, reject: bool = False) -> int:
    with app.test_request_context():
        referral = referral_lifecycle.create_referral(db.session, worker_id, job_id, ADMIN)
        if reject:
            referral_lifecycle.change_referral(db.session, referral, ReferralStatus.rejected, ADMIN, reason="人已招满")
        db.session.commit()
        return referral.id


def test_others_put_forward_counts_only_pending_referrals_to_that_posting(app, login_as, make_worker, make_job):
    me = make_worker(name="马本人", max_commute_km=30)
    others = [make_worker(name=f"马{n}", max_commute_km=30) for n in ("甲", "乙", "丙")]
    cleaning = make_job(title="保洁员", required_skills=[], openings=3, physical_demand="light", **near(2))
    guarding = make_job(title="门卫", required_skills=[], openings=3, physical_demand="light", **near(3))
    refer(app, others[0], cleaning)
    refer(app, others[1], cleaning, reject=True)  # answered: no longer waiting
    refer(app, others[2], guarding, reject=True)
    page = login_as("station", [VILLAGE])
    html = page.get(f"/workers/{me}/recommendations").get_data(as_text=True)
    assert {cleaning, guarding} <= set(ids_in_order(html, "data-job-id"))
    card = element(html, f"job-{cleaning}")
    assert re.search(r'<span class="pending" data-pending="1">另有1人已被推荐</span>', card)
    assert 'class="pending"' not in element(html, f"job-{guarding}")  # nobody waiting there
    assert "也被推荐" not in html and 'class="others"' not in html  # the last re-match's count: API only
    with app.app_context():
        assert db.session.query(Referral).filter(Referral.status.in_(
            (ReferralStatus.referred, ReferralStatus.interviewing))).count() == 1


def test_a_posting_asking_no_skill_shows_no_skill_percentage(login_as, make_worker, make_job):
    me = make_worker(name="马本人", skills=["电焊"], max_commute_km=30, expected_wage=3000)
    cleaning = make_job(title="保洁员", required_skills=[], openings=2, physical_demand="light", **near(12))
    welding = make_job(title="焊工", required_skills=["焊工"], wage_max=6000, **near(6))
    page = login_as("station", [VILLAGE])
    html = page.get(f"/workers/{me}/recommendations").get_data(as_text=True)
    card = element(html, f"job-{cleaning}")
    assert 'data-component="skills"' not in card
    assert 'data-component="distance"' in card and 'data-component="wage"' in card
    reasons = re.findall(r'<li class="reason">([^<]+)</li>', card)
    assert "无特殊技能要求" in reasons and any("12" in r and "公里" in r for r in reasons)
    assert 'data-km="12' in card or 'data-km="11' in card
    assert 'data-component="skills"' in element(html, f"job-{welding}")  # a skill asked: its figure shown
    # "why not this job?" about the same posting: no skill figure either
    why = element(page.get(f"/workers/{me}/recommendations", query_string={"job": cleaning}).get_data(as_text=True),
                  "why-not-result")
    assert 'data-component="skills"' not in why and 'data-component="distance"' in why


def test_postings_open_once_a_skill_is_learned_are_listed_with_the_course(login_as, api_as, make_worker, make_job):
    me = make_worker(name="马焊工", skills=["电焊"], max_commute_km=20, expected_wage=4000)
    welding = make_job(title="焊工", required_skills=["焊工"], wage_max=6000, **near(6))
    sewing = make_job(title="缝纫工", required_skills=["缝纫"], wage_max=6000, **near(6))
    course = api_as("provider").post("/api/v1/courses", json=course_body(title="缝纫工培训", skills_taught=["缝纫"]))
    assert course.status_code == 201, course.json
    page = login_as("station", [VILLAGE])
    html = page.get(f"/workers/{me}/recommendations").get_data(as_text=True)
    assert welding in ids_in_order(html, "data-job-id")
    section = html[html.index('id="after-training"'):html.index('id="courses"')]
    assert ids_in_order(section, "data-job-id", tag="li") == [sewing]
    item = element(html, f"after-{sewing}", "li")
    assert "学会缝纫工后可应聘：" in item
    assert f'href="/jobs/{sewing}"' in item and "缝纫工" in item
    assert re.search(r'class="employer">[^<]+<', item)
    assert re.search(rf'class="teaching-course" data-course-id="{course.json["id"]}" href="#course-{course.json["id"]}"',
                     item)
    score = float(re.search(r'data-score="([\d.]+)"', item).group(1))
    assert score >= 0.6  # the fit once learned
    # the course advice below opens the way to the same posting, linked to its line
    advice = element(html, f"course-{course.json['id']}")
    assert f'href="#after-{sewing}"' in advice
