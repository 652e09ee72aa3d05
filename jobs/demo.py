"""Demonstration employers, postings and referrals in 西吉县, on top of the registry's demo."""
import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import system_actor
from core.models import User, china_today
from jobs import eligibility, referral_lifecycle, services
from jobs.models import Employer, EmployerKind, Job, PhysicalDemand, WageUnit
from registry import services as registry_services
from registry.demo import STATION_VILLAGE
from registry.models import Area, EmploymentStatus, Household, Worker

# name, kind, area (township or county), uscc body (17 characters, each employer its own; the check
# digit is computed),
# address, and a point where the area is not among the demo's (WGS-84)
EMPLOYERS = [
    ("西吉县吉强镇就业帮扶车间", EmployerKind.workshop, "640422100000", "91640422MA76BN001",
     "西吉县吉强镇中街社区就业帮扶车间", None),
    ("西吉县马铃薯种植专业合作社", EmployerKind.cooperative, "640422101000", "93640422MA76BN002",
     "西吉县兴隆镇马铃薯种植基地", None),
    ("宁夏六盘山建筑工程有限公司", EmployerKind.enterprise, "640422100000", "91640422MA76BN003",
     "西吉县吉强镇工业园区", None),
    ("固原顺达物流有限公司", EmployerKind.enterprise, "640402000000", "91640402MA76BN004",
     "固原市原州区物流园", (36.0039, 106.2836)),  # 原州区: outside the demo's county
    ("西吉县好帮手家政服务公司", EmployerKind.enterprise, "640422100000", "91640422MA76BN005",
     "西吉县吉强镇西吉大街", None),
    ("西吉县林业和草原局", EmployerKind.public_agency, "640422000000", "11640422MA76BN006",
     "西吉县吉强镇林草局", None),
]
# employer index, title, skills, openings, wage range, unit, flags
JOBS = [
    (0, "服装缝纫工（帮扶车间）", ["缝纫"], 12, (2200, 3200), WageUnit.month, {"workshop": True, "flexible_hours": True, "physical_demand": PhysicalDemand.light}),
    (0, "手工刺绣", ["刺绣"], 8, (80, 150), WageUnit.day, {"workshop": True, "flexible_hours": True, "physical_demand": PhysicalDemand.light}),
    (1, "马铃薯种植采收工", ["种马铃薯"], 20, (120, 160), WageUnit.day, {"labour_intensive": True, "physical_demand": PhysicalDemand.heavy}),
    (1, "大棚蔬菜管护", ["大棚蔬菜"], 6, (2600, 3200), WageUnit.month, {"labour_intensive": True}),
    (2, "电焊工包吃住", ["电焊"], 4, (6000, 8500), WageUnit.month, {"accommodation": True, "meals": True, "physical_demand": PhysicalDemand.heavy}),
    (2, "钢筋工", ["钢筋工"], 6, (200, 300), WageUnit.day, {"accommodation": True, "labour_intensive": True, "physical_demand": PhysicalDemand.heavy}),
    (2, "砌筑工（瓦工）", ["砌墙"], 5, (220, 320), WageUnit.day, {"accommodation": True, "physical_demand": PhysicalDemand.heavy}),
    (3, "叉车司机", ["会开叉车"], 3, (4500, 5500), WageUnit.month, {"accommodation": True}),
    (3, "快递分拣员", [], 10, (3500, 4500), WageUnit.month, {"labour_intensive": True}),
    (4, "育婴员（月嫂）", ["带孩子"], 5, (5000, 8000), WageUnit.month, {"physical_demand": PhysicalDemand.light}),
    (4, "养老护理员", ["护理老人"], 4, (3500, 4500), WageUnit.month, {}),
    (5, "生态护林员（公益性岗位）", [], 10, (800, 1000), WageUnit.month, {"public_welfare": True, "flexible_hours": True, "physical_demand": PhysicalDemand.light}),
]


def load_jobs_demo(session: Session, seed: int = 2026) -> list[str]:
    """Idempotent: employers are found again by credit code. Returns the lines to print."""
    from stdnum.cn import uscc
    rng = random.Random(seed)
    officer = system_actor("demo-loader")
    employers = []
    for name, kind, area, body, address, point in EMPLOYERS:
        code = body + uscc.calc_check_digit(body)
        employer = session.scalar(select(Employer).where(Employer.uscc == code))
        if employer is None:
            lat, lon = point or (None, None)
            employer = services.create_employer(session, {
                "name": name, "uscc": code, "kind": kind,
                "area_code": area if session.get(Area, area) is not None else None,
                "contact_name": "人事部", "contact_phone": f"0954-{rng.randint(2000000, 2999999)}",
                "address": address, "lat": lat, "lon": lon}, officer)
        employers.append(employer)
    if session.scalar(select(Job.id).where(Job.employer_id == employers[0].id)) is None:
        for index, title, skills, openings, (low, high), unit, flags in JOBS:
            employer = employers[index]
            services.create_job(session, {
                "employer_id": employer.id, "title": title, "required_skills": skills, "openings": openings,
                "wage_min": low, "wage_max": high, "wage_unit": unit, "address": employer.address,
                "min_age": 18, "max_age": 60 if not flags.get("public_welfare") else 65,
                "expires_on": china_today() + timedelta(days=rng.randint(30, 120)), **flags}, officer)
        _refer_some(session, officer, rng)
    employer_user = session.scalar(select(User).where(User.username == "employer"))
    if employer_user is not None and employer_user.employer_id is None:
        employer_user.employer_id = employers[0].id
    session.flush()
    return [f"jobs demo: {len(employers)} employers, "
            f"{len(session.scalars(select(Job.id)).all())} postings"]


def _refer_some(session: Session, officer: User, rng: random.Random) -> None:
    """A few open referrals from the demo station's village, so inboxes are not empty."""
    idle = session.scalars(select(Worker).join(Household).where(
        Household.village_code == STATION_VILLAGE, Worker.employment_status == EmploymentStatus.unemployed,
        *registry_services.may_work(china_today())).order_by(Worker.id)).all()
    jobs = session.scalars(select(Job).where(Job.public_welfare.is_(False)).order_by(Job.id)).all()
    referred = 0
    for worker in idle:
        fitting = [job for job in jobs[:4] if not eligibility.blockers(worker, job)]
        if fitting and referred < 6:
            referral_lifecycle.create_referral(session, worker.id, rng.choice(fitting).id, officer, note="劳保站推荐")
            referred += 1
