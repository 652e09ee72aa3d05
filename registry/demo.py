"""Demonstration data: 西吉县 (Xiji county, Ningxia) from the real division files, with believable
families (registry.demo_households) and their incomes, and one demo account per role. Idempotent:
a second run only makes sure the accounts exist with the printed passwords."""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core.auth import create_user, system_actor
from core.models import Role, User, UserArea, china_today
from core.scoping import within_clause
from core.validators import ResidentId, check_id_number
from registry import demo_households, incomes, services
from registry.divisions import import_divisions
from registry.models import (
    Area,
    AreaLevel,
    EmploymentSpell,
    EmploymentStatus,
    Health,
    HelperRole,
    Household,
    HouseholdIncome,
    LabourAbility,
    MonitoringStatus,
    SchoolStage,
    Worker,
)
from registry.taxonomy import sync_taxonomy

COUNTY = "640422000000"
STATION_VILLAGE = "640422100200"  # 团结村委会, 吉强镇
VILLAGES_PER_TOWNSHIP = 4  # every township of the county has demo households, in its first villages

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
        lines = [f"西吉县 demo: {self.areas} areas, {self.households} households, {self.workers} people",
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
        steady = _make_households(session, random.Random(seed), households)
        _income_checks(session, random.Random(seed + 16), steady)
    summary.households = session.scalar(select(func.count(Household.id)).where(within_clause(COUNTY, Household.village_code)))
    summary.workers = session.scalar(select(func.count(Worker.id)).join(Household)
                                     .where(within_clause(COUNTY, Household.village_code)))
    summary.accounts = _ensure_accounts(session)
    return summary


def _villages(session: Session) -> list[Area]:
    """The station's village first, then the first villages of every township of the county, so
    that no township's figures are empty."""
    townships = session.scalars(select(Area.code).where(Area.level == AreaLevel.township,
                                                        Area.parent_code == COUNTY).order_by(Area.code)).all()
    villages = session.scalars(select(Area).where(Area.level == AreaLevel.village, Area.parent_code.in_(townships))
                               .order_by(Area.code)).all()
    chosen, per_township = [], {}
    for village in villages:
        taken = per_township.get(village.parent_code, 0)
        if taken < VILLAGES_PER_TOWNSHIP or village.code == STATION_VILLAGE:
            chosen.append((taken, village))
            per_township[village.parent_code] = taken + 1
    # the first village of each township, then the second of each …: dealt in turn, every
    # township has households once there are a few more than the station village's
    return [v for _rank, v in sorted(chosen, key=lambda rv: (rv[1].code != STATION_VILLAGE, rv[0], rv[1].code))]


ELIMINATED = (7, 19, 121, 288, 455)  # households whose monitoring ended with an approved risk elimination
STEADY_AT_STATION = 3  # the station village's first monitored households recovered: elimination candidates


def _make_households(session: Session, rng: random.Random, count: int) -> set[int]:
    """Families of every age (registry.demo_households), each monitored one with its risks, history,
    helper team and help, and a few whose risk was eliminated. The people of working age are
    written first, everyone else after them: lists in id order (the other demos' picks) start with
    adults. Returns the households whose income is to be clearly above the line."""
    villages = _villages(session)
    admin = system_actor("demo-loader")  # acts for the services; never stored
    teams, today = demo_households.Teams(STATION_VILLAGE), china_today()
    notes = random.Random(rng.getrandbits(32))  # the file's records: editing them leaves the families as they are
    seq, per_village, families, steady = {}, {}, [], set()
    for n in range(count):
        village = villages[0] if n < 40 else villages[1 + (n - 40) % (len(villages) - 1)]
        number = per_village[village.code] = per_village.get(village.code, 0) + 1
        eliminated = n in ELIMINATED
        status = (MonitoringStatus.none if eliminated else
                  rng.choices(list(MonitoringStatus), weights=[78, 10, 9, 3])[0])
        former = rng.choice([MonitoringStatus.unstable, MonitoringStatus.marginal]) if eliminated else status
        monitored = status is not MonitoringStatus.none
        recovered = monitored and (len(steady) < STEADY_AT_STATION if n < 40 else rng.random() < 0.2)
        people = demo_households.family(rng, rng.choice(SURNAMES), SURNAMES, SKILLS,
                                        former is not MonitoringStatus.none, today)
        if recovered and not any(p.data["employment_status"].is_employed for p in people):
            for person in [p for p in people if p.labour][:1]:  # found steady work
                person.data["employment_status"] = EmploymentStatus.local
        names = demo_households.risks(rng, people, former) if former is not MonitoringStatus.none else []
        since = demo_households.monitored_since(rng, today, today - timedelta(days=200) if recovered else None)
        relocated = rng.random() < 0.15
        site = rng.choice(list(SITES)) if relocated else None
        household = services.create_household(session, {
            "code": f"{village.code[6:]}-{number:03d}", "village_code": village.code, "monitoring_status": status,
            "lifted_out": former is MonitoringStatus.unstable or (  # 边缘易致贫户 were never poor
                former is not MonitoringStatus.marginal and rng.random() < 0.3), "relocated": relocated,
            "resettlement_site": site, "resettlement_area_code": SITES.get(site),
            "monitoring_since": since if monitored else None, "risk_types": names if monitored else [],
            "address": _address(rng, village, site)}, admin)
        if former is not MonitoringStatus.none:
            household.helpers = teams.team(notes, village.code)
            household.helper_name = next(h.name for h in household.helpers if h.role is HelperRole.responsible)
        if monitored:
            demo_households.changed_later(notes, household, today)
            found = household.monitoring_history[0]
            found.reason = demo_households.identified_reason(found.risk_types)
            overdue = not recovered and since <= today - timedelta(days=200) and notes.random() < 0.12
            session.add_all(demo_households.measures(notes, household, people, names, since, today, overdue))
        elif eliminated:
            began, ended = demo_households.eliminated_history(notes, household, former, names, people, today)
            session.add_all(demo_households.measures(notes, household, people, names, began, ended, False))
        if recovered or eliminated:
            steady.add(household.id)
        families.append((household, people))
    for first in (True, False):  # two multi-row inserts, as an import does
        services.insert_workers(session, [
            services.worker_values(session, household, _resident(person, seq), person.data)
            for household, people in families for person in people if person.labour is first])
    for household, _people in families:
        session.expire(household, ["members"])
    return steady


def _resident(person: demo_households.Person, seq: dict) -> ResidentId:
    key = person.birth.isoformat()
    seq[key] = seq.get(key, 0) + 1
    return check_id_number(id_number(person.birth, seq[key] * 2 - (0 if person.female else 1)))  # odd: a man


def _address(rng: random.Random, village: Area, site: str | None) -> str:
    if site:
        return f"{site}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元"
    if village.name.endswith("社区居民委员会"):
        return f"{village.name.removesuffix('居民委员会')}{rng.randint(1, 20)}号楼"
    return f"{village.name.removesuffix('村委会').removesuffix('村民委员会')}村{rng.randint(1, 9)}组"


LINES = {2025: 7500, 2026: 7800}  # the county's 防返贫监测线, yuan per person per year
WAGES = {EmploymentStatus.local: 30_000, EmploymentStatus.migrant_in_province: 38_000,
         EmploymentStatus.migrant_out_province: 46_000, EmploymentStatus.public_welfare: 9_600}


def _income_checks(session: Session, rng: random.Random, steady: set[int]) -> None:
    """The county's monitoring lines, and two years of income for every household from its members:
    wages of those in work, farming and business, pensions and subsidies. Monitored households earn
    less (but `steady` ones clearly above the line); some fell sharply from the year before."""
    officer = system_actor("demo-loader")
    for year, amount in LINES.items():
        incomes.set_line(session, COUNTY, year, amount, officer)
    line = LINES[max(LINES)]
    for household in session.scalars(select(Household).where(within_clause(COUNTY, Household.village_code))
                                      .options(selectinload(Household.members)).order_by(Household.id)):
        members = household.members
        lower = 0.75 if household.monitoring_status is not MonitoringStatus.none and household.id not in steady else 1
        hands = sum(1 for m in members if m.age >= 16 and m.labour_ability is not LabourAbility.none)
        wages = lower * sum(WAGES.get(m.employment_status, 0) * rng.uniform(0.8, 1.25) for m in members)
        business = lower * (sum(rng.gauss(24_000, 6_000) for m in members
                                if m.employment_status is EmploymentStatus.self_employed)
                            + rng.uniform(4_000, 9_000) * hands  # potatoes, a few cattle
                            + (rng.uniform(12_000, 34_000) if hands and not wages else 0))
        provided = not any(m.employment_status.is_employed or m.age < 60 and m.labour_ability is LabourAbility.full
                           for m in members) and rng.random() < 0.85  # 低保, 特困供养: no one to earn
        transfer = (2_400 * sum(m.age >= 60 for m in members) + 1_500 * sum(m.health is Health.disabled for m in members)
                    + 800 * sum(m.school_stage is not SchoolStage.none for m in members)
                    + 3_600 * sum(m.age < 3 for m in members)  # 育儿补贴
                    + sum(rng.uniform(1_500, 5_000) for m in members if m.age >= 60 and rng.random() < 0.7)  # 赡养费
                    + (5_600 * len(members) if provided or "lack_of_labour" in (household.risk_types or []) else 0))
        amounts = {"wage_income": wages, "business_income": business, "property_income": rng.choice([0, 0, 500, 1500]),
                   "transfer_income": transfer, "business_costs": business * 0.25}
        few = sum(m.employment_status.is_employed for m in members) <= 1  # one wage or none: may fall under
        strained = rng.random() < (0.25 if lower < 1 else 0.08) and few and household.id not in steady
        low, high = (0.55, 0.97) if strained else (1.3, 1.7) if household.id in steady else (1.02, 1.3)
        _settle(amounts, line * rng.uniform(low, high) * len(members), below=strained)
        fell = household.id not in steady and rng.random() < 0.03  # a job lost, a harvest failed
        for year in (2026, 2025):
            session.add(HouseholdIncome(household_id=household.id, year=year,
                                        **{name: round(value / 100) * 100 for name, value in amounts.items()}))
            factor = 1.6 if fell else 1 / rng.uniform(0.87, 1.15)  # the year before
            amounts = {name: value * factor for name, value in amounts.items()}
    session.flush()


def _net(amounts: dict) -> float:
    return sum(value for name, value in amounts.items() if name != "business_costs") - amounts["business_costs"]


def _settle(amounts: dict, net: float, below: bool) -> None:
    """Moves the earned income (what varies most from year to year) so that the net income is at
    least `net`, or, `below`, at most `net`: a few households under the line, the rest above it,
    whatever the families drawn."""
    gap = net - _net(amounts)
    if not below and gap > 0:  # cattle sold, a good harvest
        amounts["business_income"] += gap / 0.75
        amounts["business_costs"] += gap / 3
    elif below and gap < 0:  # a poor harvest, months without work (and help not yet granted)
        for names in (("wage_income", "business_income", "business_costs"), ("property_income", "transfer_income")):
            part = sum(-amounts[name] if name == "business_costs" else amounts[name] for name in names)
            factor = max(0.1, 1 + gap / part) if part > 0 else 1
            for name in names:
                amounts[name] *= factor
            gap = net - _net(amounts)
            if gap >= 0:
                break


def _ensure_accounts(session: Session) -> list[tuple[str, str, str, str]]:
    worker = next((w for w in session.scalars(select(Worker).join(Household).where(
        Household.village_code == STATION_VILLAGE).order_by(Worker.id)) if w.may_work), None)
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
