"""The demo's households as families (for registry.demo): who lives in each, of every age, with the
relation, schooling, health and work that go with it; and for the monitored ones their risks,
monitoring history, 5+N helper team and the help they have had. Everything is drawn from the
random generator passed in: the same seed gives the same county."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from core import crypto
from registry.models import (
    Education,
    EmploymentStatus,
    Health,
    HelperRole,
    HelpMeasure,
    Household,
    HouseholdHelper,
    LabourAbility,
    MeasureKind,
    MonitoringEvent,
    MonitoringEventKind,
    MonitoringStatus,
    Relation,
    RiskType,
    SchoolStage,
)

# given names by sex and generation (born before 1966, before 1996, since)
MALE = {"old": ["有福", "存录", "德贵", "长福", "万才", "满仓", "福成", "占山", "进财", "金山", "玉林", "学忠", "生财",
                "守仁", "尔撒", "哈三", "志忠", "成录", "德明", "永祥"],
        "mid": ["建军", "海军", "志强", "国平", "文斌", "俊峰", "宁生", "学军", "东林", "海龙", "建华", "志刚", "成龙",
                "小龙", "伟", "强", "军", "刚", "平", "海明", "国庆", "永福", "学文", "德成"],
        "young": ["浩然", "子轩", "宇航", "俊杰", "博文", "一鸣", "天佑", "子豪", "梓轩", "睿", "鑫", "浩", "皓轩",
                  "家豪", "晨阳", "思远", "明轩", "嘉乐", "宇", "亚辉"]}
FEMALE = {"old": ["秀英", "桂兰", "兰花", "凤英", "玉兰", "翠花", "秀兰", "桂英", "金花", "玉梅", "春花", "淑珍", "凤兰",
                  "法图麦", "桂花", "兰英", "菊花", "梅英"],
          "mid": ["丽", "娟", "燕", "芳", "霞", "红梅", "春燕", "海燕", "玉霞", "丽娟", "晓燕", "小芳", "淑芳", "萍",
                  "海霞", "秀梅", "麦燕", "彩霞", "丽萍", "金梅"],
          "young": ["欣怡", "梓涵", "雨桐", "思琪", "佳怡", "诗涵", "一诺", "子涵", "若曦", "雨欣", "紫萱", "梦瑶",
                    "佳琪", "静怡", "婷", "悦", "欣", "阿依莎"]}
OFFICIAL_SURNAMES = "王李张刘陈杨赵黄周吴马田"
FARM_SKILLS = ["种地", "放羊", "养牛", "种马铃薯", "养鸡", "编草帽"]
STAGE_EDUCATION = {SchoolStage.primary: Education.primary, SchoolStage.junior: Education.junior,
                   SchoolStage.senior: Education.senior, SchoolStage.vocational: Education.vocational,
                   SchoolStage.college: Education.college}
PAID = {EmploymentStatus.local, EmploymentStatus.migrant_in_province, EmploymentStatus.migrant_out_province,
        EmploymentStatus.public_welfare, EmploymentStatus.self_employed}


@dataclass
class Person:
    relation: Relation
    age: int
    female: bool
    surname: str
    birth: date | None = None
    data: dict = field(default_factory=dict)  # what registry.services.new_worker takes, once described

    @property
    def labour(self) -> bool:
        """Of working age, able and not at school: made first, so that id order lists them first."""
        return (16 <= self.age < 60 and self.data["school_stage"] is SchoolStage.none
                and self.data["labour_ability"] is not LabourAbility.none)

    @property
    def name(self) -> str:
        return self.data["name"]


def family(rng: random.Random, surname: str, surnames: str, skills: list[str], frail: bool,
           today: date) -> list[Person]:
    """A household around its head: a young couple with small children (and often the head's
    parents), a family with pupils and students, an older couple with a son's family or a
    grandchild left with them, someone living alone. `frail`: a monitored household, where illness
    and disability are commoner."""
    people = _compose(rng, surname, surnames)
    young_child = any(p.age < 6 for p in people)
    taken = set()
    for person in people:
        person.data = _describe(rng, person, skills, frail, young_child, today)
        while person.data["name"] in taken:  # no two in a family share a name
            person.data["name"] = _name(rng, person)
        taken.add(person.data["name"])
    return people


def _name(rng: random.Random, person: Person) -> str:
    generation = "old" if person.birth.year < 1966 else "mid" if person.birth.year < 1996 else "young"
    return person.surname + rng.choice((FEMALE if person.female else MALE)[generation])


def _compose(rng: random.Random, surname: str, surnames: str) -> list[Person]:
    shape = rng.choices(("young", "middle", "older", "elder", "alone"), weights=(22, 36, 24, 12, 6))[0]
    if shape == "alone":
        old = rng.random() < 0.7
        return [Person(Relation.head, rng.randint(62, 84) if old else rng.randint(35, 56),
                       rng.random() < (0.6 if old else 0.1), surname)]
    low, high = {"young": (24, 34), "middle": (35, 49), "older": (50, 64), "elder": (65, 80)}[shape]
    head = Person(Relation.head, rng.randint(low, high), rng.random() < 0.08, surname)
    people = [head]
    if rng.random() < (0.3 if head.female else 0.72 if shape == "elder" else 0.92):
        gap = rng.randint(0, 5)
        people.append(Person(Relation.spouse, max(20, head.age + (gap if head.female else -gap)), not head.female,
                             rng.choice(surnames)))
    fathers = people[1].surname if head.female and len(people) > 1 else (
        rng.choice(surnames) if head.female else surname)
    counts = {"young": ([0, 1, 2, 3], [18, 40, 34, 8]), "middle": ([1, 2, 3], [25, 50, 25]),
              "older": ([0, 1, 2, 3], [10, 35, 40, 15]), "elder": ([0], [1])}[shape]
    age = min(p.age for p in people) - rng.randint(21, 28)  # the younger parent's age then
    for _n in range(rng.choices(*counts)[0]):
        if age < 0:
            break
        child = Person(Relation.child, age, rng.random() < 0.48, fathers)
        if not (age >= 25 and child.female and rng.random() < 0.8):  # daughters marry out
            people.append(child)
        if (age >= 24 and not child.female and shape == "older" and rng.random() < 0.55
                and not any(p.relation is Relation.other for p in people)):  # one son's family lives with them
            people.append(Person(Relation.other, max(20, age - rng.randint(0, 4)), True, rng.choice(surnames)))  # 儿媳
            people += _grandchildren(rng, rng.randint(0, max(0, age - 22)), fathers)
        age -= rng.randint(2, 5)
    if shape == "elder" and rng.random() < 0.4:  # a grandchild left with them while the parents work away
        people += _grandchildren(rng, rng.randint(4, 14), fathers)
    if shape in ("young", "middle") and rng.random() < (0.15 if head.female else 0.45 if shape == "young" else 0.3):
        father = head.age + rng.randint(24, 32)
        mother = max(head.age + 21, father - rng.randint(0, 5))
        if 60 <= father <= 85 and rng.random() < 0.55:  # younger parents would head the household
            people.append(Person(Relation.parent, father, False, surname))
        if 60 <= mother <= 85:
            people.append(Person(Relation.parent, mother, True, rng.choice(surnames)))
    if shape != "elder" and rng.random() < 0.05:  # an unmarried brother
        people.append(Person(Relation.sibling, max(18, head.age + rng.randint(-8, 8)), False, head.surname))
    return people


def _grandchildren(rng: random.Random, eldest: int, surname: str) -> list[Person]:
    ages = [eldest] + ([eldest - rng.randint(2, 4)] if rng.random() < 0.35 else [])
    return [Person(Relation.grandchild, age, rng.random() < 0.48, surname) for age in ages if age >= 0]


def _stage(rng: random.Random, age: int) -> SchoolStage:
    if age < 3 or age >= 22:
        return SchoolStage.none
    if age < 6:
        return SchoolStage.preschool if rng.random() < 0.85 else SchoolStage.none
    if age < 15:
        return SchoolStage.primary if age < 12 else SchoolStage.junior
    if age < 18:
        return rng.choices([SchoolStage.senior, SchoolStage.vocational, SchoolStage.none], weights=[55, 35, 10])[0]
    return SchoolStage.college if rng.random() < 0.4 else SchoolStage.none


def _health(rng: random.Random, age: int, frail: bool) -> Health:
    weights = ([96, 2, 1, 1] if age < 16 else
               ([75, 12, 6, 7] if frail else [88, 6, 3, 3]) if age < 45 else
               ([55, 27, 9, 9] if frail else [72, 18, 5, 5]) if age < 60 else
               ([25, 55, 12, 8] if frail else [40, 45, 8, 7]))
    return rng.choices(list(Health), weights=weights)[0]


def _ability(rng: random.Random, age: int, health: Health, stage: SchoolStage) -> LabourAbility:
    if age < 16:
        return LabourAbility.none
    if health in (Health.serious_illness, Health.disabled):
        return LabourAbility.none if rng.random() < 0.7 else LabourAbility.weak
    if stage is not SchoolStage.none or age < 60:
        return LabourAbility.weak if health is Health.chronic and rng.random() < 0.3 else LabourAbility.full
    if age < 70:
        if health is Health.chronic:
            return LabourAbility.weak if rng.random() < 0.7 else LabourAbility.none
        return LabourAbility.full if rng.random() < 0.6 else LabourAbility.weak
    return LabourAbility.weak if rng.random() < (0.5 if health is Health.healthy else 0.3) else LabourAbility.none


def _employment(rng: random.Random, age: int, ability: LabourAbility, stage: SchoolStage,
                caring: bool) -> EmploymentStatus:
    if ability is LabourAbility.none:
        return EmploymentStatus.unemployed if age < 16 else EmploymentStatus.unable
    if stage is not SchoolStage.none:
        return EmploymentStatus.unemployed
    statuses = list(EmploymentStatus)[:7]
    if age >= 60:
        return rng.choices(statuses, weights=[70, 8, 0, 0, 12, 10, 0])[0]
    if ability is LabourAbility.weak:
        return rng.choices(statuses, weights=[55, 15, 0, 0, 15, 15, 0])[0]
    return rng.choices(statuses, weights=[44 if caring else 22, 24, 14, 14, 5, 10, 5])[0]


def _birth(rng: random.Random, age: int, today: date) -> date:
    return date(today.year - age, today.month, min(today.day, 28)) - timedelta(days=rng.randint(1, 364))


def _describe(rng: random.Random, person: Person, skills: list[str], frail: bool, young_child: bool,
              today: date) -> dict:
    age, female = person.age, person.female
    person.birth = _birth(rng, age, today)
    stage = _stage(rng, age)
    health = _health(rng, age, frail)
    ability = _ability(rng, age, health, stage)
    employment = _employment(rng, age, ability, stage, female and young_child)
    education = (STAGE_EDUCATION.get(stage) if stage is not SchoolStage.none else None if age < 16 else
                 rng.choices(list(Education), weights=[1, 5, 45, 20, 17, 12] if age < 31 else
                             [5, 25, 45, 12, 8, 5] if age < 51 else [20, 45, 28, 5, 1, 1] if age < 65 else
                             [55, 35, 9, 1, 0, 0])[0])
    data = {"name": _name(rng, person),
            "relation": person.relation, "school_stage": stage, "education": education,
            "health": health, "labour_ability": ability, "employment_status": employment, "skills": []}
    if age >= 16 and (age < 75 or rng.random() < 0.5):
        data["phone"] = f"1{rng.choice(['39', '38', '50', '77', '87'])}{rng.randint(0, 99999999):08d}"
    if stage is SchoolStage.none and ability is not LabourAbility.none and 16 <= age < 60:
        data.update(skills=rng.sample(skills, rng.choice([0, 1, 1, 2, 2, 3])),
                    expected_wage=rng.choice([2500, 3000, 3500, 4000, 4500, 5000, 6000]),
                    max_commute_km=rng.choice([5, 10, 20, 30, 50, 100]), willing_to_migrate=rng.random() < 0.4,
                    needs_flexible_hours=female and rng.random() < (0.6 if young_child else 0.2))
    elif age >= 60 and ability is not LabourAbility.none:
        data["skills"] = rng.sample(FARM_SKILLS, rng.choice([0, 1, 1, 2]))
    return data


# --- monitoring: risks, history, the 5+N team, help ----------------------------------------------

def _ill(people):
    return [p for p in people if p.data["health"] in (Health.chronic, Health.serious_illness)]


def _pupils(people):
    return [p for p in people if p.data["school_stage"] not in (SchoolStage.none, SchoolStage.preschool)]


def _workers(people):
    return [p for p in people if p.labour]


def risks(rng: random.Random, people: list[Person], status: MonitoringStatus) -> list[str]:
    """One to three risk types the household plausibly has (its illnesses, pupils, too few hands …)."""
    workers = _workers(people)
    weights = {
        RiskType.illness: 8 if any(p.data["health"] is Health.serious_illness for p in people) else 5 * bool(_ill(people)),
        RiskType.disability: 6 * any(p.data["health"] is Health.disabled for p in people),
        RiskType.schooling: 4 if any(p.data["school_stage"] in (SchoolStage.senior, SchoolStage.vocational,
                                                                 SchoolStage.college) for p in people)
        else 2 * (len(_pupils(people)) >= 2),
        RiskType.lack_of_labour: 6 if len(workers) <= (1 if len(people) >= 3 else 0) else 0,
        RiskType.lack_of_skills: 3 if workers and not any(p.data["skills"] for p in workers) else 1 * bool(workers),
        RiskType.unstable_employment: 2 * any(p.data["employment_status"] in PAID for p in workers),
        RiskType.accident: 4 if status is MonitoringStatus.sudden_hardship else 0.3,
        RiskType.disaster: 3 if status is MonitoringStatus.sudden_hardship else 0.3,
        RiskType.lack_of_funds: 1, RiskType.industry_failure: 0.5,
    }
    chosen: list[RiskType] = []
    for _n in range(rng.choices([1, 2, 3], weights=[45, 40, 15])[0]):
        left = {risk: w for risk, w in weights.items() if w and risk not in chosen}
        chosen.append(rng.choices(list(left), weights=list(left.values()))[0])
    return [risk.name for risk in RiskType if risk in chosen]


def monitored_since(rng: random.Random, today: date, latest: date | None = None) -> date:
    years = list(range(2021, today.year + 1))
    year = rng.choices(years, weights=([10, 16, 20, 20, 18, 16] + [16] * len(years))[:len(years)])[0]
    return min(date(year, 1, 1) + timedelta(days=rng.randint(0, 364)), latest or today - timedelta(days=14))


def _labels(names: list[str]) -> str:
    return "、".join(RiskType[name].zh for name in names)


def identified_reason(names: list[str]) -> str:
    return f"动态监测排查发现{_labels(names)}风险，经村民代表评议、乡镇审核，纳入监测"


def changed_later(rng: random.Random, household: Household, today: date) -> None:
    """Some histories have a step between: first found with fewer risks (or as marginal), changed since."""
    first = household.monitoring_history[0]
    since = household.monitoring_since
    if (today - since).days < 120 or rng.random() > 0.2:
        return
    if len(household.risk_types) > 1:
        first.risk_types = household.risk_types[:1]
        reason = f"新增{_labels(household.risk_types[1:])}风险，调整监测"
    elif household.monitoring_status is MonitoringStatus.sudden_hardship:
        first.status = MonitoringStatus.marginal
        reason = "家庭遭遇突发困难，调整为突发严重困难户"
    else:
        return
    day = since + timedelta(days=rng.randint(60, (today - since).days - 30))
    household.monitoring_history.append(MonitoringEvent(
        kind=MonitoringEventKind.changed, day=day, status=household.monitoring_status,
        risk_types=list(household.risk_types), reason=reason))


def eliminated_history(rng: random.Random, household: Household, status: MonitoringStatus, names: list[str],
                       people: list[Person], today: date) -> tuple[date, date]:
    """A household monitored for a while (found in 2022–2024) whose risk the county declared
    eliminated in 2025 or 2026: identified, ending proposed, risk eliminated. Returns the days of
    identification and elimination."""
    identified = date(2022, 1, 1) + timedelta(days=rng.randint(0, (date(2024, 6, 30) - date(2022, 1, 1)).days))
    last = max(date(2025, 1, 20), today - timedelta(days=5))
    eliminated = date(2025, 1, 20) + timedelta(days=rng.randint(0, (last - date(2025, 1, 20)).days))
    proposed = eliminated - timedelta(days=rng.randint(10, 40))
    workers = [p for p in people if p.data["employment_status"] in PAID]
    why = (f"{workers[0].name}稳定就业，家庭人均纯收入连续两年高于监测线，风险已消除" if workers
           else "落实产业帮扶和兜底保障后收入稳定，家庭人均纯收入高于监测线，风险已消除")
    for kind, day, after, reason in ((MonitoringEventKind.identified, identified, status, identified_reason(names)),
                                     (MonitoringEventKind.proposed, proposed, status, why),
                                     (MonitoringEventKind.eliminated, eliminated, MonitoringStatus.none,
                                      "经县级审核，同意风险消除")):
        household.monitoring_history.append(MonitoringEvent(kind=kind, day=day, status=after,
                                                            risk_types=list(names), reason=reason))
    household.risk_eliminated_on = eliminated
    return identified, eliminated


class Teams:
    """Each village's cadres, the same people (and phones) for every household of the village: one
    first secretary stationed there, one village party secretary, a few responsible helpers and
    party members. In the demo station's village one person is everyone's responsible helper."""

    def __init__(self, station_village: str):
        self.station_village = station_village
        self._villages: dict[str, dict[HelperRole, list[tuple[str, str]]]] = {}

    def of(self, village_code: str) -> dict[HelperRole, list[tuple[str, str]]]:
        if village_code not in self._villages:
            rng = random.Random(village_code)

            def person(surnames: str) -> tuple[str, str]:
                female = rng.random() < 0.35
                return (rng.choice(surnames) + rng.choice((FEMALE if female else MALE)["mid"]),
                        f"139{rng.randint(0, 99999999):08d}")
            self._villages[village_code] = {
                HelperRole.first_secretary: [person(OFFICIAL_SURNAMES)],
                HelperRole.village_secretary: [person("马马杨李王")],
                HelperRole.responsible: [person(OFFICIAL_SURNAMES) for _n in range(
                    1 if village_code == self.station_village else 3)],
                HelperRole.party_member: [person("马马李王杨张田海苏") for _n in range(3)]}
        return self._villages[village_code]

    def team(self, rng: random.Random, village_code: str) -> list[HouseholdHelper]:
        cadres = self.of(village_code)
        chosen = [(HelperRole.first_secretary, cadres[HelperRole.first_secretary][0]),
                  (HelperRole.village_secretary, cadres[HelperRole.village_secretary][0]),
                  (HelperRole.responsible, rng.choice(cadres[HelperRole.responsible]))]
        if rng.random() < 0.4:
            chosen.append((HelperRole.party_member, rng.choice(cadres[HelperRole.party_member])))
        return [HouseholdHelper(role=role, name=name, phone_enc=crypto.encrypt(phone),
                                phone_masked=crypto.mask_phone(phone)) for role, (name, phone) in chosen]


VISITS = ["入户走访，了解家庭收入和务工情况", "走访核实家庭人口和收支变化，宣传防返贫监测政策",
          "入户走访，查看住房和饮水安全", "与{head}座谈，商议今年的增收计划", "走访慰问，送去米面油", "入户走访，核对帮扶措施落实情况", "电话联系后入户，了解近期家庭开支"]
RISK_VISITS = {"illness": "入户了解{ill}的病情、用药和报销情况", "schooling": "了解{pupil}的上学情况，宣传教育资助政策",
               "lack_of_skills": "了解{worker}的就业意愿，登记培训需求", "unstable_employment": "电话回访{worker}务工情况",
               "disability": "看望{disabled}，了解护理和补贴发放情况"}
HELP = {  # risk: the help that fits it, (kind, what was done)
    "illness": [(MeasureKind.medical, "为{ill}落实慢性病门诊报销，报销医药费{n}元"),
                (MeasureKind.medical, "协助{ill}申请大病医疗救助"), (MeasureKind.medical, "为{ill}签约家庭医生，定期随访")],
    "disability": [(MeasureKind.social_security, "为{disabled}落实残疾人两项补贴"),
                   (MeasureKind.social_security, "协助{disabled}办理残疾证")],
    "schooling": [],  # by the eldest pupil's school: SCHOOL_HELP
    "lack_of_skills": [(MeasureKind.training, "推荐{worker}参加中式面点师培训"),
                       (MeasureKind.training, "组织{worker}参加电焊工技能培训"),
                       (MeasureKind.training, "推荐{worker}参加家政服务员培训")],
    "unstable_employment": [(MeasureKind.employment, "推荐{worker}到吉强镇就业帮扶车间务工"),
                            (MeasureKind.employment, "组织{worker}赴福建务工（闽宁劳务协作）"),
                            (MeasureKind.employment, "为{worker}发放外出务工一次性交通补贴")],
    "lack_of_labour": [(MeasureKind.public_welfare, "安排{worker}担任村保洁员公益性岗位"),
                       (MeasureKind.social_security, "申请纳入农村低保")],
    "lack_of_funds": [(MeasureKind.industry, "发放脱贫人口小额信贷5万元，用于养殖肉牛"),
                      (MeasureKind.industry, "落实基础母牛养殖补贴")],
    "industry_failure": [(MeasureKind.industry, "发放马铃薯良种和化肥，帮助恢复种植")],
    "disaster": [(MeasureKind.housing, "灾后核查住房安全，落实危房改造补助")],
    "accident": [(MeasureKind.social_security, "协助申请临时救助{n}元")],
}


SCHOOL_HELP = {SchoolStage.college: ["为{pupil}办理生源地信用助学贷款", "为{pupil}申请国家助学金"],
               SchoolStage.vocational: ["为{pupil}申请雨露计划补助3000元", "为{pupil}申请中职国家助学金"],
               SchoolStage.senior: ["为{pupil}申请普通高中国家助学金", "为{pupil}落实高中免学杂费"],
               SchoolStage.junior: ["为{pupil}落实义务教育寄宿生生活补助", "为{pupil}落实营养改善计划"]}


def measures(rng: random.Random, household: Household, people: list[Person], names: list[str], since: date,
             until: date, overdue: bool) -> list[HelpMeasure]:
    """Visits over the last year of monitoring (the latest within 90 days of `until`, unless
    `overdue`), and the help that fits the household's risks (`names`)."""
    head = next(p for p in people if p.relation is Relation.head)
    helpers = {h.role: h.name for h in household.helpers}
    responsible = helpers.get(HelperRole.responsible)
    worker = next(iter(_workers(people)), None)
    pupil = max(_pupils(people), key=lambda p: p.age, default=head)
    who = {"head": head.name, "ill": max(_ill(people), key=lambda p: p.age, default=head).name,
           "pupil": pupil.name, "worker": worker.name if worker else "",
           "disabled": next((p.name for p in people if p.data["health"] is Health.disabled), head.name)}
    start = max(since, until - timedelta(days=365))
    out = []
    if since >= start:
        out.append(HelpMeasure(kind=MeasureKind.visit, day=since, description="入户核实家庭情况，开展监测对象认定",
                               helper_name=responsible))
    day = until - timedelta(days=rng.randint(95, 170) if overdue else rng.randint(2, 75))
    visits = [*VISITS, *(RISK_VISITS[r] for r in names if r in RISK_VISITS)]
    while day > start + timedelta(days=30 if out else 0):  # not just after the visit that found them
        text = rng.choice(visits + (["冬季走访，查看取暖和过冬物资"] if day.month in (11, 12, 1, 2) else []))
        if "{worker}" not in text or who["worker"]:
            out.append(HelpMeasure(kind=MeasureKind.visit, day=day, helper_name=responsible,
                                   description=text.format(**who)))
        day -= timedelta(days=rng.randint(40, 85))
    kinds = [r for r in names if r in HELP] + (["consumption"] if rng.random() < 0.1 else [])
    for risk in kinds:
        options = ([(MeasureKind.consumption, "帮助销售马铃薯3000斤（消费帮扶）")] if risk == "consumption" else
                   [(MeasureKind.education, text) for text in SCHOOL_HELP.get(
                       pupil.data["school_stage"], SCHOOL_HELP[SchoolStage.junior])] if risk == "schooling" else HELP[risk])
        for kind, text in rng.sample(options, min(len(options), rng.choice([1, 1, 2]))):
            if "{worker}" in text and not who["worker"]:
                continue
            out.append(HelpMeasure(kind=kind, day=start + timedelta(days=rng.randint(0, max(0, (until - start).days - 1))),
                                   description=text.format(n=rng.randint(8, 60) * 100, **who),
                                   helper_name=rng.choice([responsible, helpers.get(HelperRole.village_secretary)])))
    for measure in out:
        measure.household_id = household.id
    return out
