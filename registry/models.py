"""Areas, households, workers and the canonical skill taxonomy."""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.enums import LabelledEnum
from core.extensions import db
from core.models import User, china_today, enum_column, utcnow
from registry.exemplar_models import Exemplar, ExemplarKind  # noqa: F401  (re-exported)
from registry.household_models import (  # noqa: F401  (the household file's tables, re-exported)
    AreaPolicy,
    HelperRole,
    HelpMeasure,
    HouseholdHelper,
    HouseholdIncome,
    MeasureKind,
    MonitoringEvent,
    MonitoringEventKind,
    MonitoringLine,
    MonitoringStatus,
    Relation,
    RiskType,
    SchoolStage,
)


class AreaLevel(LabelledEnum):
    county = ("县", "county")
    township = ("乡镇", "township")
    village = ("村", "village")

    @property
    def prefix_length(self) -> int:
        """Digits of the 12-digit code that identify an area of this level."""
        return {"county": 6, "township": 9, "village": 12}[self.name]


class EmploymentStatus(LabelledEnum):
    unemployed = ("未就业", "unemployed")
    local = ("县内就业", "employed in the county")
    migrant_in_province = ("省内县外务工", "migrant within the province")
    migrant_out_province = ("省外务工", "migrant outside the province")
    public_welfare = ("公益性岗位", "public-welfare post")
    self_employed = ("自主创业/灵活就业", "self-employed / flexible work")
    in_training = ("在训", "in training")
    unable = ("无劳动能力", "unable to work")

    @property
    def is_employed(self) -> bool:
        return self not in NOT_EMPLOYED


NOT_EMPLOYED = frozenset({EmploymentStatus.unemployed, EmploymentStatus.in_training,
                          EmploymentStatus.unable})
EMPLOYED = tuple(s for s in EmploymentStatus if s not in NOT_EMPLOYED)


# 劳动年龄: only people this old, able to work and not at school, are matched to jobs
MIN_WORKING_AGE, MAX_WORKING_AGE = 16, 65


class Education(LabelledEnum):
    illiterate = ("文盲或半文盲", "illiterate or semi-literate")
    primary = ("小学", "primary school")
    junior = ("初中", "junior secondary")
    senior = ("高中", "senior secondary")
    vocational = ("中专/中职", "vocational secondary")
    college = ("大专及以上", "college or above")


class Health(LabelledEnum):
    healthy = ("健康", "healthy")
    chronic = ("长期慢性病", "chronic illness")
    serious_illness = ("患有大病", "serious illness")
    disabled = ("残疾", "disabled")


class LabourAbility(LabelledEnum):
    full = ("有劳动能力", "able to work")
    weak = ("弱劳动能力或半劳动能力", "partly able to work")
    none = ("无劳动能力", "unable to work")


class Sex(LabelledEnum):
    male = ("男", "male")
    female = ("女", "female")


class Area(db.Model):
    """County > township > village, keyed by the 12-digit statistical division code."""
    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[AreaLevel] = mapped_column(enum_column(AreaLevel))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]

    parent: Mapped["Area | None"] = relationship(remote_side=[code], lazy="joined", join_depth=2)

    @property
    def prefix(self) -> str:
        return self.code[: self.level.prefix_length]

    @property
    def full_name(self) -> str:
        names, area = [], self
        while area is not None:
            names.append(area.name)
            area = area.parent
        return "".join(reversed(names))


class Household(db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)
    monitoring_status: Mapped[MonitoringStatus] = mapped_column(
        enum_column(MonitoringStatus), default=MonitoringStatus.none, index=True)
    lifted_out: Mapped[bool] = mapped_column(default=False)
    relocated: Mapped[bool] = mapped_column(default=False)
    resettlement_site: Mapped[str | None] = mapped_column(String(128))
    # where the resettlement site lies (a relocated household's members live there, not in the village)
    resettlement_area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    # when monitoring began (纳入监测), and the risks it watches (RiskType names)
    monitoring_since: Mapped[date | None]
    risk_types: Mapped[list] = mapped_column(JSON, default=list)
    risk_eliminated_on: Mapped[date | None]  # the last approved ending of its monitoring (风险消除)
    # the responsible helper (帮扶责任人) of the 5+N team, kept beside the team for the alerts' routing
    helper_name: Mapped[str | None] = mapped_column(String(64))
    # the responsible helper (帮扶责任人) when they have an account: early warnings go to them
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    village: Mapped[Area] = relationship(lazy="joined", foreign_keys=[village_code])
    resettlement_area: Mapped[Area | None] = relationship(foreign_keys=[resettlement_area_code])
    helper: Mapped[User | None] = relationship()
    members: Mapped[list["Worker"]] = relationship(
        back_populates="household", order_by="Worker.birth_date", lazy="selectin")
    helpers: Mapped[list[HouseholdHelper]] = relationship(
        order_by=HouseholdHelper.id, cascade="all, delete-orphan", lazy="selectin")
    monitoring_history: Mapped[list[MonitoringEvent]] = relationship(
        order_by=(MonitoringEvent.day, MonitoringEvent.id), cascade="all, delete-orphan")

    @property
    def head(self) -> "Worker | None":
        """The member registered as 户主, else the eldest member able to work, else the eldest."""
        heads = [m for m in self.members if m.relation is Relation.head]
        if heads:
            return heads[0]
        return next((m for m in self.members if m.labour_ability is not LabourAbility.none), None) or (
            self.members[0] if self.members else None)

    @property
    def head_name(self) -> str | None:
        head = self.head
        return head.name if head is not None else None

    @property
    def risk_labels(self) -> list[str]:
        return [RiskType[name].label for name in self.risk_types or [] if name in RiskType.__members__]

    @property
    def employed_count(self) -> int:
        return sum(1 for m in self.members if m.employment_status.is_employed)

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def village_name(self) -> str:
        return self.village.name

    @property
    def helper_label(self) -> str | None:
        """The responsible helper: the person's name as written down, else their account's name."""
        if self.helper_name:
            return self.helper_name
        if self.helper is not None:
            return self.helper.display_name or self.helper.username
        return None


class Skill(db.Model):
    """A canonical skill: an occupation of the 2022 classification, or a skill or certificate
    villagers name that is not one (驾驶证, 种植 …)."""
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(16), index=True)
    group_code: Mapped[str] = mapped_column(String(8), index=True)
    aliases: Mapped[list] = mapped_column(JSON, default=list)


class SkillCorrection(db.Model):
    """Station staff said that, in their county, this text (a skill or a job title as people write
    it, normalised) means this entry: the resolver's answer gives way to it there."""
    __tablename__ = "skill_corrections"
    __table_args__ = (UniqueConstraint("county_code", "text", name="county_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    text: Mapped[str] = mapped_column(String(100))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    skill: Mapped[Skill] = relationship()


class Worker(db.Model):
    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    name_pinyin: Mapped[str] = mapped_column(String(128), index=True)
    name_initials: Mapped[str] = mapped_column(String(32), index=True)
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18), index=True)
    birth_date: Mapped[date]
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    phone_tail: Mapped[str | None] = mapped_column(String(4), index=True)
    education: Mapped[Education | None] = mapped_column(enum_column(Education))
    health: Mapped[Health] = mapped_column(enum_column(Health), default=Health.healthy)
    labour_ability: Mapped[LabourAbility] = mapped_column(enum_column(LabourAbility), default=LabourAbility.full)
    relation: Mapped[Relation | None] = mapped_column(enum_column(Relation))
    school_stage: Mapped[SchoolStage] = mapped_column(enum_column(SchoolStage), default=SchoolStage.none)
    employment_status: Mapped[EmploymentStatus] = mapped_column(
        enum_column(EmploymentStatus), default=EmploymentStatus.unemployed, index=True)
    expected_wage: Mapped[int | None]
    max_commute_km: Mapped[int | None]
    willing_to_migrate: Mapped[bool] = mapped_column(default=False)
    desired_occupations: Mapped[list] = mapped_column(JSON, default=list)
    needs_flexible_hours: Mapped[bool] = mapped_column(default=False)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    coords_from_village: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(back_populates="members", lazy="joined")
    skills: Mapped[list["WorkerSkill"]] = relationship(
        back_populates="worker", cascade="all, delete-orphan", lazy="selectin",
        order_by="WorkerSkill.id")

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int:
        return self.age_on(china_today())

    @property
    def household_code(self) -> str:
        return self.household.code

    @property
    def village_code(self) -> str:
        return self.household.village_code

    @property
    def employed(self) -> bool:
        return self.employment_status.is_employed

    @property
    def may_work(self) -> bool:
        """Of working age, able to work and not at school: the people the matcher considers."""
        return (MIN_WORKING_AGE <= self.age <= MAX_WORKING_AGE and self.labour_ability is not LabourAbility.none
                and self.employment_status is not EmploymentStatus.unable and self.school_stage is SchoolStage.none)

    @property
    def unresolved_skills(self) -> list[str]:
        return [s.name for s in self.skills if s.skill_id is None]


class WorkerSkill(db.Model):
    """A skill as the worker or the station wrote it, with the canonical skill it resolved to.
    Unresolved text is kept (skill_id NULL) and listed for review, never dropped."""
    __tablename__ = "worker_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"), index=True)
    certified: Mapped[bool] = mapped_column(default=False)
    level: Mapped[str | None] = mapped_column(String(32))

    worker: Mapped[Worker] = relationship(back_populates="skills")
    skill: Mapped[Skill | None] = relationship(lazy="joined")

    @property
    def canonical(self) -> str | None:
        return self.skill.name if self.skill is not None else None

    @property
    def code(self) -> str | None:
        return self.skill.code if self.skill is not None else None


class EmploymentSpell(db.Model):
    """One stretch of a worker's employment history: a status from `started_on` until
    `ended_on` (NULL while it lasts). Written by the registry whenever a worker's status changes,
    whoever changes it (a form, an import, a hire, a departure), so that questions like "were
    this course's completers in work three months later" have an answer."""
    __tablename__ = "employment_spells"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    status: Mapped[EmploymentStatus] = mapped_column(enum_column(EmploymentStatus))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]

    worker: Mapped[Worker] = relationship()

    @property
    def employed(self) -> bool:
        return self.status.is_employed


def spell_rows(worker_ids_and_statuses, day: date) -> list[dict]:
    """The first spell of newly registered workers (for bulk inserts that bypass the ORM)."""
    return [{"worker_id": worker_id, "status": status, "started_on": day}
            for worker_id, status in worker_ids_and_statuses]


@event.listens_for(Session, "before_flush")
def _record_employment_changes(session: Session, _context, _instances) -> None:
    """A new worker opens a spell; a changed status closes the open one and opens the next."""
    today = china_today()
    for worker in list(session.new):
        if isinstance(worker, Worker):
            status = worker.employment_status or EmploymentStatus.unemployed
            session.add(EmploymentSpell(worker=worker, status=status, started_on=today))
    for worker in list(session.dirty):
        if not isinstance(worker, Worker) or worker.id is None:
            continue
        history = inspect(worker).attrs.employment_status.history
        if not history.has_changes() or history.deleted == history.added:
            continue
        with session.no_autoflush:
            open_spells = session.scalars(select(EmploymentSpell).filter_by(worker_id=worker.id, ended_on=None))
            for spell in open_spells:
                spell.ended_on = today
        session.add(EmploymentSpell(worker_id=worker.id, status=worker.employment_status, started_on=today))
