"""Demonstration data: 西吉县 (Xiji county, Ningxia) from the real division files, with believable
households and workers, and one demo account per role. Idempotent: a second run only makes sure
the accounts exist with the printed passwords."""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.auth import create_user, system_actor
from core.models import Role, User, UserArea
from core.scoping import within_clause
from core.validators import check_id_number
from registry import incomes, services
from registry.divisions import import_divisions
from registry.models import (
    Area,
    AreaLevel,
    Education,
    EmploymentSpell,
    EmploymentStatus,
    Health,
    Household,
    HouseholdIncome,
    LabourAbility,
    MonitoringStatus,
    Worker,
)
from registry.taxonomy import sync_taxonomy

COUNTY = "640422000000"
STATION_VILLAGE = "640422100200"  # 团结村委会, 吉强镇
DEMO_TOWNSHIPS = 4

SURNAMES = "马马马马李王杨张田海苏何罗丁金穆虎拜冶明兰哈沙余白".replace(" ", "")
GIVEN = ["成", "福", "明", "海", "军", "强", "平", "忠", "学", "文", "玉", "兰", "花", "梅", "萍", "霞",
         "英", "秀", "春", "红", "国", "志", "建", "俊", "宁", "燕", "芳", "娟", "丽", "伟", "东", "林",
         "有", "贵", "德", "山", "录", "存", "才", "祥", "麦", "尔", "撒", "哈", "艾", "米"]
SKILLS = ["电焊", "会开叉车", "种地", "放羊", "养牛", "开挖掘机", "砌墙", "做饭", "缝纫", "有C1驾照",
          "保洁", "电工", "种马铃薯", "大棚蔬菜", "木工", "刺绣", "开大车", "带孩子", "护理老人", "手机直播",
          "钢筋工", "装修", "理发", "送外卖", "保安", "修车", "种枸杞", "中药材种植", "养鸡", "开拖拉机",
          "会修摩托", "擀面", "编草帽"]
# resettlement sites (易地搬迁安置点) and the township each lies in
SITES = {"县城移民安置区": "640422100000", "吉强镇易地搬迁安置点": "640422100000", "兴隆镇移民新村": "640422101000"}
HELPERS = ["王建华", "李淑芳", "马志刚", "杨春燕", "田文斌"]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

DEMO_ACCOUNTS = [
    # username, password, role, areas, note
    ("admin", "demo-admin-2026", Role.admin, [], "系统管理员"),
    ("county", "demo-county-2026", Role.county, [COUNTY], "县人社局 西吉县"),
    ("station", "demo-station-2026", Role.station, [STATION_VILLAGE], "团结村劳保站"),
    ("provider", "demo-provider-2026", Role.provider, [], "培训机构"),
    ("employer", "demo-employer-2026", Role.employer, [], "用工企业"),
    ("worker", "demo-worker-2026", Role.worker, [], "劳动力（学员）"),
]


@dataclass
class DemoSummary:
    areas: int = 0
    households: int = 0
    workers: int = 0
    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"西吉县 demo: {self.areas} areas, {self.households} households, {self.workers} workers",
                 "", "Demo logins (http://127.0.0.1:5000/login):"]
        for username, password, role, note in self.accounts:
            lines.append(f"  {role:<9} {username:<10} {password:<20} {note}")
        return "\n".join(lines)


def id_number(birth: date, seq: int) -> str:
    body = f"640422{birth:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def load_demo(session: Session, data_dir: Path, households: int = 600, seed: int = 2026) -> DemoSummary:
    sync_taxonomy(session, data_dir)
    import_divisions(session, Path(data_dir, "divisions", "sample_counties_villages_5level.csv"), data_dir, county=COUNTY)
    summary = DemoSummary()
    summary.areas = session.scalar(select(func.count()).select_from(Area).where(within_clause(COUNTY, Area.code)))
    existing = session.scalar(select(func.count(Household.id)).where(within_clause(COUNTY, Household.village_code)))
    if not existing:
        _make_households(session, random.Random(seed), households)
        _income_checks(session, random.Random(seed + 16))
    summary.households = session.scalar(select(func.count(Household.id)).where(within_clause(COUNTY, Household.village_code)))
    summary.workers = session.scalar(select(func.count(Worker.id)).join(Household)
                                     .where(within_clause(COUNTY, Household.village_code)))
    summary.accounts = _ensure_accounts(session)
    return summary


def _villages(session: Session) -> list[Area]:
    """The station's village first, then the villages of the first few townships."""
    townships = session.scalars(select(Area.code).where(Area.level == AreaLevel.township,
                                                        Area.parent_code == COUNTY).order_by(Area.code)).all()
    villages = session.scalars(select(Area).where(Area.level == AreaLevel.village,
                                                  Area.parent_code.in_(townships[:DEMO_TOWNSHIPS]))
                               .order_by(Area.code)).all()
    return sorted(villages, key=lambda v: v.code != STATION_VILLAGE)


def _make_households(session: Session, rng: random.Random, count: int) -> None:
    villages = _villages(session)
    admin = system_actor("demo-loader")  # acts for the services; never stored
    seq, per_village = {}, {}
    for n in range(count):
        village = villages[0] if n < 40 else rng.choice(villages)
        per_village[village.code] = per_village.get(village.code, 0) + 1
        status = rng.choices(list(MonitoringStatus), weights=[78, 10, 9, 3])[0]
        relocated = rng.random() < 0.15
        lifted_out = status is not MonitoringStatus.none or rng.random() < 0.3
        site = rng.choice(list(SITES)) if relocated else None
        household = services.create_household(session, {
            "code": f"{village.code[6:]}-{per_village[village.code]:03d}",
            "village_code": village.code, "monitoring_status": status, "lifted_out": lifted_out,
            "relocated": relocated, "resettlement_site": site, "resettlement_area_code": SITES.get(site),
            "helper_name": rng.choice(HELPERS) if status is not MonitoringStatus.none else None,
        }, admin)
        surname = rng.choice(SURNAMES)
        for m in range(rng.choice([1, 2, 2, 3, 3, 3, 4])):
            age = rng.randint(18, 62)
            birth = date(2026 - age, 1, 1) + timedelta(days=rng.randint(0, 364))
            female = m % 2 == 1
            key = birth.isoformat()
            seq[key] = seq.get(key, 0) + 1
            number = id_number(birth, seq[key] * 2 - (0 if female else 1))
            health = rng.choices(list(Health), weights=[82, 10, 4, 4])[0]
            able = health in (Health.healthy, Health.chronic)
            employment = (rng.choices(list(EmploymentStatus)[:7], weights=[28, 24, 14, 14, 5, 10, 5])[0]
                          if able else EmploymentStatus.unable)
            data = {
                "name": surname + "".join(rng.sample(GIVEN, rng.choice([1, 2]))) if m == 0 else
                rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
                "phone": f"1{rng.choice(['39', '38', '50', '77', '87'])}{rng.randint(0, 99999999):08d}",
                "education": rng.choices(list(Education), weights=[8, 25, 40, 12, 10, 5])[0],
                "health": health,
                "labour_ability": LabourAbility.full if able else LabourAbility.none,
                "employment_status": employment,
                "skills": rng.sample(SKILLS, rng.choice([0, 1, 1, 2, 2, 3])),
                "expected_wage": rng.choice([2500, 3000, 3500, 4000, 4500, 5000, 6000]),
                "max_commute_km": rng.choice([5, 10, 20, 30, 50, 100]),
                "willing_to_migrate": rng.random() < 0.4,
                "needs_flexible_hours": female and rng.random() < 0.3,
            }
            services.new_worker(session, household, check_id_number(number), data)
        session.flush()


LINES = {2025: 7500, 2026: 7800}  # the county's 防返贫监测线, yuan per person per year
SHARES = {"wage_income": 0.66, "business_income": 0.18, "property_income": 0.02, "transfer_income": 0.14}


def _income_checks(session: Session, rng: random.Random) -> None:
    """The county's monitoring lines, and two years of income for every household: most above the
    line, monitored households nearer it, some below (and some fallen from the year before)."""
    officer = system_actor("demo-loader")
    for year, amount in LINES.items():
        incomes.set_line(session, COUNTY, year, amount, officer)
    for household in session.scalars(select(Household).where(within_clause(COUNTY, Household.village_code))):
        monitored = household.monitoring_status is not MonitoringStatus.none
        per_capita = max(rng.gauss(13_500, 3_000) * (0.7 if monitored else 1), 2_000)
        fell = rng.random() < 0.03  # a job lost, a harvest failed: well below the year before
        for year in (2026, 2025):
            total = per_capita * household.member_count
            session.add(HouseholdIncome(household_id=household.id, year=year,
                                        business_costs=round(total * 0.05 / 100) * 100,
                                        **{name: round(total * share * 1.05 / 100) * 100
                                           for name, share in SHARES.items()}))
            per_capita *= 1.6 if fell else rng.uniform(0.85, 1.15)  # the year before
    session.flush()


def _ensure_accounts(session: Session) -> list[tuple[str, str, str, str]]:
    worker = session.scalar(select(Worker).join(Household).where(Household.village_code == STATION_VILLAGE)
                            .order_by(Worker.id))
    out = []
    for username, password, role, areas, note in DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(session, username, password, role, areas, display_name=note,
                               worker_id=worker.id if role is Role.worker and worker else None)
        else:
            user.set_password(password)
            user.role, user.active = role, True
            if user.area_codes != sorted(areas):
                user.areas = [UserArea(area_code=code) for code in areas]
        out.append((username, password, role.value, note))
    session.flush()
    return out


def date_last_change(session: Session, worker: Worker, day: date) -> None:
    """Demo history as it happened: the registry closes the open employment spell and opens the
    next one today when a status changes; move that change back to `day`."""
    session.flush()
    spells = session.scalars(select(EmploymentSpell).where(EmploymentSpell.worker_id == worker.id)
                             .order_by(EmploymentSpell.id)).all()
    if len(spells) >= 2:
        spells[-2].ended_on, spells[-1].started_on = day, day
        spells[-2].started_on = min(spells[-2].started_on, day)
