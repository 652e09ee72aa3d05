"""The programmes of the demonstration county (issue 18), on top of every package's demo: the
county's hiring and on-the-job subsidies with the lines the nightly task writes, an order course
feeding its posting, an on-the-job posting with trainees whose months have passed, a brick works
under a wage-arrears complaint (its posting offered to nobody), an employment certificate, and
people who show the way on the public board.

Here, in the composition root, because it spans jobs, training and registry."""
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from core.auth import system_actor
from core.models import china_today, utcnow
from jobs import services as job_services
from jobs.certificates import issue_or_get
from jobs.models import (
    Complaint,
    ComplaintKind,
    Employer,
    EmployerKind,
    Job,
    PhysicalDemand,
    Referral,
    ReferralStatus,
    WageUnit,
)
from monitoring.demo import placement
from monitoring.tasks import run_task
from registry.demo import STATION_VILLAGE
from registry.models import (
    AreaPolicy,
    EmploymentStatus,
    Exemplar,
    ExemplarKind,
    Household,
    MonitoringStatus,
    Worker,
)
from training.models import Course

OFFICER = system_actor("demo-loader")
COUNTY = "640422000000"  # 西吉县
BRICKS = ("西吉县鑫达砖厂", "91640422MA76BN007", "西吉县兴隆镇砖厂路")
WORKSHOP = "西吉县吉强镇就业帮扶车间"
ORDER_COURSE, ORDER_POSTING = "养老护理员培训（订单式）", "养老护理员"

# kind, name, village or township, title, trade, story (the first two in the demo station's village)
EXEMPLARS = [
    (ExemplarKind.story, "马小梅", STATION_VILLAGE, "从搬迁户到车间组长", None,
     "2019 年搬到吉强镇安置区后，在帮扶车间学缝纫，三个月出师，如今带着 12 位姐妹做工，每月收入 3800 元。"),
    (ExemplarKind.expert, "李秀兰", STATION_VILLAGE, "缝纫师傅，带出 40 多名徒弟", "缝纫",
     "在帮扶车间以工代训，手把手教平车、锁边，徒弟大多已能独立上岗。"),
    (ExemplarKind.leader, "马文军", "640422101000", "马铃薯种植带头人", "马铃薯种植",
     "牵头成立马铃薯合作社，带动 60 户种植脱毒种薯，户均增收 6000 元。"),
    (ExemplarKind.story, "杨宏", "640422101000", "学电焊，进工地", None,
     "参加焊工培训拿到证书，被推荐到工地做电焊工，包吃住，每月 7000 元，家里的日子稳了。"),
]


def load_programmes_demo(session: Session) -> list[str]:
    """Idempotent: does nothing once the brick works is on file."""
    code = BRICKS[1] + uscc.calc_check_digit(BRICKS[1])
    if session.scalar(select(Employer.id).where(Employer.uscc == code)) is not None:
        return ["programmes demo: already loaded"]
    today = china_today()
    _policy(session)
    _complaints(session, code)
    trainees = _on_the_job(session, today)
    _order_course(session)
    experts = _exemplars(session, today)
    _teacher(session, experts)
    session.flush()
    subsidies = run_task(session, "employer_subsidies", current_app.config, runner="demo").summary or {}
    skills = run_task(session, "on_the_job_skills", current_app.config, runner="demo").summary or {}
    hired = session.scalar(select(Referral).join(Worker).join(Household).where(
        Referral.status == ReferralStatus.hired, Household.village_code == STATION_VILLAGE).order_by(Referral.id))
    certificate = issue_or_get(session, hired.worker_id, OFFICER) if hired is not None else None
    return [f"programmes demo: {trainees} on-the-job trainees ({skills.get('skills recorded', 0)} skills learnt), "
            f"{subsidies.get('hiring', 0)} hiring and {subsidies.get('on the job', 0)} on-the-job subsidy lines, "
            f"1 open wage-arrears complaint, employment certificate {certificate.code if certificate else '—'}, "
            f"{len(EXEMPLARS)} people who show the way"]


def _policy(session: Session) -> None:
    """西吉县 pays 1000 元 for a hire from a monitored or lifted-out household kept six months, and
    300 元 a month for each trainee learning on the job."""
    policy = session.get(AreaPolicy, COUNTY) or AreaPolicy(area_code=COUNTY)
    policy.hire_subsidy_amount, policy.hire_subsidy_months, policy.on_the_job_monthly = 1000, 6, 300
    session.add(policy)


def _complaints(session: Session, code: str) -> None:
    """A brick works that owes two months' wages (its posting is offered to nobody), and a safety
    complaint against the building company that was put right."""
    name, _body, address = BRICKS
    bricks = job_services.create_employer(session, {
        "name": name, "uscc": code, "kind": EmployerKind.enterprise, "area_code": "640422101000",
        "contact_name": "王厂长", "contact_phone": "0954-2016688", "address": address}, OFFICER)
    job_services.verify_employer(session, bricks, OFFICER)
    job_services.create_job(session, {
        "employer_id": bricks.id, "title": "制砖工", "required_skills": [], "openings": 8, "wage_min": 150,
        "wage_max": 200, "wage_unit": WageUnit.day, "address": address, "min_age": 18, "max_age": 55,
        "physical_demand": PhysicalDemand.heavy, "expires_on": china_today() + timedelta(days=60)}, OFFICER)
    session.add(Complaint(employer_id=bricks.id, kind=ComplaintKind.wage_arrears,
                          description="拖欠 6 名村民两个月工资共 2.4 万元，多次催要未果。", created_by_id=None))
    builder = session.scalar(select(Employer).where(Employer.name == "宁夏六盘山建筑工程有限公司"))
    if builder is not None:
        session.add(Complaint(employer_id=builder.id, kind=ComplaintKind.safety, description="脚手架无防护网。",
                              resolved_at=utcnow() - timedelta(days=20), resolution="已整改，复查合格。"))


def _on_the_job(session: Session, today: date) -> int:
    """The workshop trains sewing on the job (3 months with 李秀兰); two trainees of monitored
    households started four months ago, so their skill is recorded and their months are paid."""
    workshop = session.scalar(select(Employer).where(Employer.name == WORKSHOP))
    if workshop is None:
        return 0
    job = job_services.create_job(session, {
        "employer_id": workshop.id, "title": "缝纫学徒（以工代训）", "required_skills": ["缝纫"], "openings": 6,
        "wage_min": 1800, "wage_max": 2400, "wage_unit": WageUnit.month, "address": workshop.address, "min_age": 18,
        "max_age": 55, "physical_demand": PhysicalDemand.light, "flexible_hours": True, "workshop": True,
        "trains_on_job": True, "training_months": 3, "mentor_name": "李秀兰",
        "expires_on": today + timedelta(days=90)}, OFFICER)
    never_referred = ~select(Referral.id).where(Referral.worker_id == Worker.id).exists()
    people = [w for w in session.scalars(select(Worker).join(Household).where(
        Household.village_code.like("640422100%"), Household.monitoring_status != MonitoringStatus.none,
        Worker.employment_status == EmploymentStatus.unemployed, never_referred).order_by(Worker.id))
        if w.may_work and not job_services.blockers(w, job)][:2]
    for worker in people:
        placement(session, worker, job, today - relativedelta(months=4))
    return len(people)


def _order_course(session: Session) -> None:
    """The home-care company's order course feeds its 养老护理员 posting."""
    course = session.scalar(select(Course).where(Course.title == ORDER_COURSE))
    job = session.scalar(select(Job).where(Job.title == ORDER_POSTING))
    if course is not None and job is not None:
        course.job_id, course.employer_id = job.id, job.employer_id
        course.hire_commitment = min(course.hire_commitment or job.openings, job.openings)


def _exemplars(session: Session, today: date) -> list[Exemplar]:
    made = []
    for kind, name, township, title, trade, story in EXEMPLARS:
        exemplar = Exemplar(kind=kind, name=name, area_code=township, title=title, trade=trade, story=story,
                            consent_on=today - timedelta(days=30), published_at=utcnow() - timedelta(days=25))
        session.add(exemplar)
        made.append(exemplar)
    session.flush()
    return [e for e in made if e.kind is not ExemplarKind.story]


def _teacher(session: Session, experts: list[Exemplar]) -> None:
    """The potato leader teaches the field course on potatoes."""
    course = session.scalar(select(Course).where(Course.title.like("%马铃薯%")))
    leader = next((e for e in experts if e.trade and "马铃薯" in e.trade), None)
    if course is not None and leader is not None:
        course.teacher_id = leader.id
