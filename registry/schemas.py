"""Marshmallow schemas: the API's input checks (shared with the importers) and its output shapes."""
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates

from core.auth import acting_user
from core.models import china_today
from core.schemas import AreaCode, Flag, LabelledEnumField, Latitude, Longitude, Paging, Phone, Text
from core.validators import MAX_ID, check_id_number
from registry import services
from registry.models import (
    AreaLevel,
    Education,
    EmploymentStatus,
    Health,
    LabourAbility,
    MonitoringStatus,
    Relation,
    RiskType,
    SchoolStage,
    Sex,
)


def label_of(attr: str):
    """The display label of an enum attribute, in the request's language."""
    return fields.Function(lambda obj: getattr(obj, attr).label if getattr(obj, attr) is not None else None)


class SkillList(fields.List):
    """A list of skills as written; a single string separated by 、,，; is split too."""

    def __init__(self, **kwargs):
        super().__init__(Text(validate=validate.Length(min=1, max=100)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = split_list(value)
        items = super()._deserialize(value, attr, data, **kwargs)
        seen, out = set(), []
        for item in (i.strip() for i in items):
            if item and item not in seen:
                seen.add(item)
                out.append(item)
        return out


class RiskTypes(fields.List):
    """Risk types by code or Chinese label, as a list or one string separated by 、,，; (a
    spreadsheet cell); stored and given back as codes, each once."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update({"description": ", ".join(f"{m.name} ({m.zh})" for m in RiskType)})
        super().__init__(LabelledEnumField(RiskType), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = split_list(value)
        members = super()._deserialize(value, attr, data, **kwargs)
        return list(dict.fromkeys(m.name for m in members))

    def _serialize(self, value, attr, obj, **kwargs):
        return list(value or [])


def not_in_future(day) -> None:
    if day is not None and day > china_today():
        raise ValidationError(_("a day up to today"))


def split_list(text: str) -> list[str]:
    import re
    return [p.strip() for p in re.split(r"[、,，;；\n]", text) if p.strip()]


# --- areas -------------------------------------------------------------------------------------

class AreaIn(Schema):
    code = AreaCode(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=64))
    level = LabelledEnumField(AreaLevel, required=True)
    parent_code = Text(allow_none=True, load_default=None)
    lat = Latitude()
    lon = Longitude()



class AreaListArgs(Schema):
    parent_code = Text(metadata={"description": "only the children of this area"})
    level = LabelledEnumField(AreaLevel)
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 5000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_ID))


class AreaOut(Schema):
    code = fields.String()
    name = fields.String()
    level = LabelledEnumField(AreaLevel)
    parent_code = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    full_name = fields.String()


# --- households --------------------------------------------------------------------------------

class AreaList(Schema):
    items = fields.List(fields.Nested(AreaOut))
    total = fields.Integer()


class HouseholdIn(Schema):
    code = Text(required=True, validate=validate.Length(min=1, max=32))
    village_code = AreaCode(required=True)
    monitoring_status = LabelledEnumField(MonitoringStatus, load_default=MonitoringStatus.none)
    lifted_out = Flag(load_default=False)
    relocated = Flag(load_default=False)
    resettlement_site = Text(allow_none=True, validate=validate.Length(max=128))
    resettlement_area_code = AreaCode(allow_none=True, metadata={
        "description": "where the resettlement site lies (township or village): a relocated household's "
                       "members are matched from there"})
    helper_name = Text(allow_none=True, validate=validate.Length(max=64))
    helper_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "the helper's account (station or county staff of the village): early warnings go to them"})
    address = Text(allow_none=True, validate=validate.Length(max=200))
    monitoring_since = fields.Date(allow_none=True, validate=not_in_future, metadata={
        "description": "for a household already under monitoring when it is entered; today otherwise"})
    risk_types = RiskTypes(load_default=list)


class HouseholdPatch(HouseholdIn):
    class Meta:
        exclude = ("code",)


# --- workers -----------------------------------------------------------------------------------

class WorkerIn(Schema):
    id_number = Text(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=64))
    phone = Phone(allow_none=True)
    household_code = Text(required=True, validate=validate.Length(min=1, max=32))
    education = LabelledEnumField(Education, allow_none=True)
    health = LabelledEnumField(Health, load_default=Health.healthy)
    labour_ability = LabelledEnumField(LabourAbility, load_default=LabourAbility.full)
    relation = LabelledEnumField(Relation, allow_none=True, metadata={"description": "relation to the head"})
    school_stage = LabelledEnumField(SchoolStage, load_default=SchoolStage.none, metadata={
        "description": "pupils and students: where they are at school (they are not matched to jobs)"})
    skills = SkillList(load_default=list)
    expected_wage = fields.Integer(allow_none=True, validate=validate.Range(0, 100000))
    max_commute_km = fields.Integer(allow_none=True, validate=validate.Range(0, 5000))
    willing_to_migrate = Flag(load_default=False)
    employment_status = LabelledEnumField(EmploymentStatus, load_default=EmploymentStatus.unemployed)
    needs_flexible_hours = Flag(load_default=False)
    desired_occupations = SkillList(load_default=list)
    lat = Latitude()
    lon = Longitude()

    @validates("id_number")
    def _id_number(self, value, **kwargs):
        try:
            check_id_number(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None



class WorkerPatch(WorkerIn):
    """Loaded with partial=True: fields left out stay as they are. The ID number is who the
    person is and cannot be changed."""

    class Meta:
        exclude = ("id_number",)


class WorkerSkillOut(Schema):
    name = fields.String()
    canonical = fields.String(allow_none=True)
    code = fields.String(allow_none=True)
    certified = fields.Boolean()


class WorkerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    household_code = fields.String()
    village_code = fields.String()
    id_number_masked = fields.String()
    phone_masked = fields.String(allow_none=True)
    birth_date = fields.Method("_birth_date", allow_none=True, metadata={
        "description": "for staff who may reveal the ID number, and the person themself; null for others"})
    sex = LabelledEnumField(Sex)
    age = fields.Integer()
    education = LabelledEnumField(Education, allow_none=True)
    education_label = label_of("education")
    health = LabelledEnumField(Health)
    health_label = label_of("health")
    labour_ability = LabelledEnumField(LabourAbility)
    labour_ability_label = label_of("labour_ability")
    relation = LabelledEnumField(Relation, allow_none=True)
    relation_label = label_of("relation")
    school_stage = LabelledEnumField(SchoolStage)
    school_stage_label = label_of("school_stage")
    employment_status = LabelledEnumField(EmploymentStatus)
    employment_status_label = label_of("employment_status")
    employed = fields.Boolean()
    expected_wage = fields.Integer(allow_none=True)
    max_commute_km = fields.Integer(allow_none=True)
    willing_to_migrate = fields.Boolean()
    needs_flexible_hours = fields.Boolean()
    desired_occupations = fields.List(fields.String())
    skills = fields.List(fields.Nested(WorkerSkillOut))
    unresolved_skills = fields.List(fields.String())
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)

    def _birth_date(self, worker):
        day = services.shown_birth_date(acting_user(), worker)
        return day.isoformat() if day is not None else None


class WorkerList(Schema):
    items = fields.List(fields.Nested(WorkerOut))
    total = fields.Integer()


class RegistrySearchArgs(Paging):
    """Filters shared by the household and worker lists."""
    area_code = Text(metadata={"description": "any level: means inside this area"})
    q = Text(validate=validate.Length(max=64))
    monitoring_status = LabelledEnumField(MonitoringStatus)
    nobody_employed = Flag(metadata={"description": "only households with nobody employed"})


class WorkerSearchArgs(RegistrySearchArgs):
    employment_status = LabelledEnumField(EmploymentStatus)
    skill = Text(validate=validate.Length(max=64), metadata={
        "description": 'what people say ("电焊", "会开叉车"): people with the skill it resolves to (any entry '
                       "of the same occupation code, certificates included), or a skill written with this text in it"})


class ExportArgs(Schema):
    area_code = AreaCode()


class RevealOut(Schema):
    id = fields.Integer()
    id_number = fields.String()
    phone = fields.String(allow_none=True)


class HouseholdMember(Schema):
    id = fields.Integer()
    name = fields.String()
    sex = LabelledEnumField(Sex)
    age = fields.Integer()
    id_number_masked = fields.String()
    relation = LabelledEnumField(Relation, allow_none=True)
    relation_label = label_of("relation")
    school_stage = LabelledEnumField(SchoolStage)
    school_stage_label = label_of("school_stage")
    labour_ability = LabelledEnumField(LabourAbility)
    labour_ability_label = label_of("labour_ability")
    employment_status = LabelledEnumField(EmploymentStatus)
    employment_status_label = label_of("employment_status")
    employed = fields.Boolean()


class HouseholdSummary(Schema):
    id = fields.Integer()
    code = fields.String()
    village_code = fields.String()
    village_name = fields.String()
    monitoring_status = LabelledEnumField(MonitoringStatus)
    monitoring_status_label = label_of("monitoring_status")
    lifted_out = fields.Boolean()
    relocated = fields.Boolean()
    resettlement_site = fields.String(allow_none=True)
    resettlement_area_code = fields.String(allow_none=True)
    helper_name = fields.String(allow_none=True)
    helper_id = fields.Integer(allow_none=True)
    address = fields.String(allow_none=True)
    member_count = fields.Integer()
    employed_count = fields.Integer()
    head_name = fields.String(allow_none=True, metadata={"description": "the member registered as 户主"})
    size = fields.Function(lambda household: household.member_count, metadata={"description": "members on file"})
    risk_types = RiskTypes()
    risk_type_labels = fields.Function(lambda household: household.risk_labels)
    monitoring_since = fields.Date(allow_none=True)
    risk_eliminated_on = fields.Date(allow_none=True)


class HouseholdOut(HouseholdSummary):
    members = fields.List(fields.Nested(HouseholdMember))
    income = fields.Nested("IncomeOut", allow_none=True, metadata={
        "description": "the latest year on file against its line (GET of one household)"})


class HouseholdList(Schema):
    items = fields.List(fields.Nested(HouseholdSummary))
    total = fields.Integer()


class HouseholdSearchArgs(RegistrySearchArgs):
    monitored = Flag(metadata={"description": "only households under poverty-return monitoring"})
    risk_type = LabelledEnumField(RiskType, metadata={"description": "only households with this risk type"})
    below_line = Flag(metadata={"description": "only households whose latest per-capita income is under the line"})


class ImportProblem(Schema):
    row = fields.Integer()
    field = fields.String()
    message = fields.String()


class ImportResult(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Nested(ImportProblem))
    ignored_columns = fields.List(fields.String())


class ResolveArgs(Schema):
    q = Text(required=True, validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=5, validate=validate.Range(1, 20))


class ResolveItem(Schema):
    code = fields.String(allow_none=True)
    key = fields.String()
    name = fields.String()
    score = fields.Float()


class ResolveOut(Schema):
    items = fields.List(fields.Nested(ResolveItem))


# --- incomes against the monitoring line ---------------------------------------------------------

YUAN = validate.Range(0, 100_000_000)  # a household's yuan in a year


class MonitoringLineIn(Schema):
    amount = fields.Integer(required=True, validate=validate.Range(1, 1_000_000), metadata={
        "description": "yuan of net income per person per year"})


class MonitoringLineOut(Schema):
    area_code = fields.String()
    year = fields.Integer()
    amount = fields.Integer()


class IncomeIn(Schema):
    wage_income = fields.Integer(load_default=0, validate=YUAN)
    business_income = fields.Integer(load_default=0, validate=YUAN)
    property_income = fields.Integer(load_default=0, validate=YUAN)
    transfer_income = fields.Integer(load_default=0, validate=YUAN)
    business_costs = fields.Integer(load_default=0, validate=YUAN)


class IncomeRowIn(IncomeIn):
    """A row of the yearly income check spreadsheet."""
    household_code = Text(required=True, validate=validate.Length(min=1, max=32))
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))


class IncomeOut(IncomeIn):
    year = fields.Integer()
    net_income = fields.Integer()
    size = fields.Integer(metadata={"description": "members counted"})
    per_capita = fields.Float(allow_none=True, metadata={"description": "(the four incomes − business_costs) ÷ size"})
    line = fields.Integer(allow_none=True, metadata={"description": "the year's line of the household's nearest "
                                                                    "area that has one"})
    below_line = fields.Boolean(allow_none=True)


class PolicyIn(Schema):
    elimination_months = fields.Integer(required=True, validate=validate.Range(1, 60), metadata={
        "description": "months of monitoring at least before a risk elimination (6 unless set)"})


class PolicyOut(PolicyIn):
    area_code = fields.String()


class AreaPatch(Schema):
    """An administrator's correction of an area: its name, its point, its parent (which must be of the
    level above and contain the area's code, so that scoping by code prefix stays true)."""
    name = Text(validate=validate.Length(min=1, max=64))
    lat = Latitude()
    lon = Longitude()
    parent_code = AreaCode(allow_none=True)
