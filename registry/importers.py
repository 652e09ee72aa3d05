"""Import and export of the station's ledger (台账): households and workers, .xlsx or .csv.

Every row is checked with the API's own schemas; good rows are kept, every bad row is reported by
its row number in the sheet (the header is row 1), field and reason; none is silently dropped.
"""
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask import request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, crypto
from core.errors import DomainError, ValidationFailed, flatten_fields
from core.models import Role, User, china_today
from core.scoping import scope_clause, user_sees_area
from core.spreadsheets import Spreadsheet
from core.validators import check_id_number
from registry import incomes, services
from registry.models import Area, AreaLevel, Household, Worker
from registry.schemas import HouseholdIn, IncomeRowIn, WorkerIn, WorkerPatch
from registry.tables import cell_text, read_table

# (field name, Chinese header the export writes)
HOUSEHOLD_COLUMNS = [
    ("code", "户编号"), ("village_code", "村代码"), ("monitoring_status", "监测类型"),
    ("lifted_out", "脱贫户"), ("relocated", "易地搬迁户"), ("resettlement_site", "安置点"),
    ("resettlement_area_code", "安置点区划代码"),
    ("helper_name", "帮扶责任人"), ("address", "住址"), ("monitoring_since", "纳入监测日期"),
    ("risk_types", "风险类型"),
]
WORKER_COLUMNS = [
    ("household_code", "户编号"), ("name", "姓名"), ("id_number", "身份证号"), ("phone", "手机号"),
    ("relation", "与户主关系"), ("education", "文化程度"), ("school_stage", "在校生情况"), ("health", "健康状况"),
    ("labour_ability", "劳动能力"),
    ("employment_status", "就业状态"), ("skills", "技能"), ("expected_wage", "期望月工资"),
    ("max_commute_km", "最远通勤公里"), ("willing_to_migrate", "愿意外出务工"),
    ("needs_flexible_hours", "需要弹性工时"), ("desired_occupations", "意向职业"),
    ("lat", "纬度"), ("lon", "经度"),
]
INCOME_COLUMNS = [
    ("household_code", "户编号"), ("year", "年度"), ("wage_income", "工资性收入"), ("business_income", "经营性收入"),
    ("property_income", "财产性收入"), ("transfer_income", "转移性收入"), ("business_costs", "生产经营性支出"),
]
EXAMPLE_MARK = "示例"  # a household code beginning so marks a template's example row, passed over
# Written by the export for reading, ignored on import.
EXPORT_ONLY = {"village_name": "村", "sex": "性别", "birth_date": "出生日期", "age": "年龄",
               "monitoring_status": "监测类型"}

KINDS = {"households": (HOUSEHOLD_COLUMNS, HouseholdIn), "workers": (WORKER_COLUMNS, WorkerIn),
         "incomes": (INCOME_COLUMNS, IncomeRowIn)}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def fail(self, row: int, fields: dict[str, str]) -> None:
        for name, message in fields.items():
            self.errors.append({"row": row, "field": name, "message": message})

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "errors": self.errors,
                "ignored_columns": self.ignored_columns}


# --- reading files: registry/tables.py ----------------------------------------------------------

def rows_as_dicts(table: Iterable[Sequence], columns: list[tuple[str, str]], report: ImportReport):
    """(row number, {field: text}) for each non-empty row; headers are field names or Chinese."""
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(_("The file is empty."), {"file": _("no header row")})
    by_header = {}
    for name, zh in columns:
        by_header[name] = by_header[zh] = name
    ignorable = set(EXPORT_ONLY) | set(EXPORT_ONLY.values())
    mapping = {}
    for i, heading in enumerate(header):
        text = cell_text(heading)
        if text is None:
            continue
        if text in by_header:
            mapping[i] = by_header[text]
        elif text not in ignorable:
            report.ignored_columns.append(text)
    if not mapping:
        raise ValidationFailed(_("No known column in the header row."), {"file": _("unknown headers")})
    for number, row in enumerate(rows, start=2):
        values = {name: cell_text(row[i]) for i, name in mapping.items() if i < len(row)}
        if (values.get("code") or values.get("household_code") or "").startswith(EXAMPLE_MARK):
            continue  # the example row of an import template (registry.import_templates)
        if any(v is not None for v in values.values()):
            yield number, {k: v for k, v in values.items() if v is not None}


# --- importing ---------------------------------------------------------------------------------

def import_upload(session: Session, kind: str, actor: User) -> dict:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(_("Choose a file to upload."), {"file": _("required")})
    return import_file(session, kind, upload.filename, upload.read(), actor).as_dict()


def import_file(session: Session, kind: str, filename: str, data: bytes, actor: User) -> ImportReport:
    if not actor.keeps_registry:
        raise ValidationFailed(_("Your role is not allowed to do this."))
    columns, schema_cls = KINDS[kind]
    report = ImportReport()
    rows = list(rows_as_dicts(read_table(filename, data), columns, report))
    {"households": _import_households, "workers": _import_workers, "incomes": _import_incomes}[kind](
        session, rows, actor, report)
    session.flush()
    audit.record(actor, "import", kind, None, detail=f"{filename}: {report.created} created, "
                 f"{report.updated} updated, {len(report.errors)} errors")
    return report


def _load(schema, row: int, values: dict, report: ImportReport):
    try:
        return schema.load(values)
    except ValidationError as exc:
        report.fail(row, flatten_fields(exc.messages))
        return None


def _import_households(session: Session, rows, actor: User, report: ImportReport) -> None:
    schema, patch = HouseholdIn(), HouseholdIn(partial=True)
    villages = {a.code: a for a in session.scalars(  # held here: the identity map keeps no strong references
        select(Area).where(Area.level == AreaLevel.village, scope_clause(actor, Area.code)))}
    codes = [values.get("code") for _, values in rows if values.get("code")]
    existing = {h.code: h for h in _chunked_in(session, Household, Household.code, codes)}
    seen: dict[str, int] = {}
    for row, values in rows:
        code = values.get("code")
        if code in seen:
            report.fail(row, {"code": _("same household as row %(row)s", row=seen[code])})
            continue
        household = existing.get(code)
        data = _load(patch if household is not None else schema, row, values, report)
        if data is None:
            continue
        seen[code] = row
        try:
            village_code = data.get("village_code") or household.village_code
            if village_code not in villages:
                services.visible_village(session, village_code, actor)  # raises the precise error
            data["village"] = villages[village_code]
            if household is None:
                services.check_site(session, data)
                existing[code] = services.new_household(session, data)
                services.opened_with_monitoring(session, existing[code], actor)
                report.created += 1
            elif not user_sees_area(actor, household.village_code):
                report.fail(row, {"code": _("household of another area")})
            else:
                data.pop("code", None)
                services.update_household(session, household, data, actor)
                report.updated += 1
        except DomainError as exc:
            report.fail(row, exc.fields or {"_row": exc.message})


def _import_workers(session: Session, rows, actor: User, report: ImportReport) -> None:
    schema, patch = WorkerIn(), WorkerPatch(partial=True)
    residents: dict[int, object] = {}
    for row, values in rows:
        try:
            residents[row] = check_id_number(values.get("id_number", ""))
        except ValueError:
            pass  # reported by the schema below, with the reason
    hashes = {row: crypto.lookup_hash(r.number) for row, r in residents.items()}
    existing = {w.id_number_hash: w for w in _chunked_in(session, Worker, Worker.id_number_hash, list(hashes.values()))}
    household_codes = {values.get("household_code") for _, values in rows if values.get("household_code")}
    households = {h.code: h for h in _chunked_in(session, Household, Household.code, list(household_codes))}
    seen: dict[str, int] = {}
    new: list[tuple[dict, list[dict]]] = []
    for row, values in rows:
        worker = existing.get(hashes.get(row))
        data = _load(patch if worker is not None else schema, row, {k: v for k, v in values.items()
                     if worker is None or k != "id_number"}, report)
        if data is None:
            continue
        digest = hashes[row]
        if digest in seen:
            report.fail(row, {"id_number": _("same person as row %(row)s", row=seen[digest])})
            continue
        household = households.get(values.get("household_code")) if values.get("household_code") else (
            worker.household if worker is not None else None)
        if household is None or not user_sees_area(actor, household.village_code):
            report.fail(row, {"household_code": _("no household has this code in your areas")})
            continue
        if worker is not None and not user_sees_area(actor, worker.household.village_code):
            report.fail(row, {"id_number": _("registered in another area")})
            continue
        seen[digest] = row
        data.pop("household_code", None)
        if worker is None:
            new.append(services.worker_values(session, household, residents[row], data))
            report.created += 1
        else:
            worker.household = household
            services.apply_worker_fields(session, worker, data)
            report.updated += 1
    services.insert_workers(session, new)


def _import_incomes(session: Session, rows, actor: User, report: ImportReport) -> None:
    """The yearly income check: one row per household and year; a year on file is corrected."""
    schema = IncomeRowIn()
    codes = [values.get("household_code") for _, values in rows if values.get("household_code")]
    households = {h.code: h for h in _chunked_in(session, Household, Household.code, codes)}
    seen: dict[tuple[str, int], int] = {}
    for row, values in rows:
        data = _load(schema, row, values, report)
        if data is None:
            continue
        household = households.get(data["household_code"])
        if household is None or not user_sees_area(actor, household.village_code):
            report.fail(row, {"household_code": _("no household has this code in your areas")})
            continue
        key = (household.code, data["year"])
        if key in seen:
            report.fail(row, {"year": _("same household and year as row %(row)s", row=seen[key])})
            continue
        seen[key] = row
        _income, created = incomes.keep_income(session, household, data["year"], data)
        if created:
            report.created += 1
        else:
            report.updated += 1
    session.flush()
    incomes.income_recorded.send(session, household_ids=sorted({households[code].id for code, _year in seen}))


def _chunked_in(session: Session, model, column, values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield from session.scalars(select(model).where(column.in_(values[start:start + size])))


# --- exporting ---------------------------------------------------------------------------------

def export_workers(session: Session, actor: User, area_code: str | None) -> tuple[io.BytesIO, str]:
    """An .xlsx of the workers in an area, importable again. Station staff get full ID numbers,
    phones and birth dates of their own villages (the ledger they keep); everyone else masked
    values and the age, which leave a masked number unguessable."""
    full = actor.role is Role.station
    workers = session.scalars(select(Worker).join(Household).where(*services.households_in(actor, area_code))
                              .order_by(Household.code, Worker.birth_date, Worker.id)).all()
    book = Spreadsheet()
    sheet = book.sheet("劳动力", [zh for _, zh in WORKER_COLUMNS]
                       + ["村", "性别", "出生日期" if full else "年龄", "监测类型"])
    for w in workers:
        sheet.append([
            w.household.code, w.name,
            crypto.decrypt(w.id_number_enc) if full else w.id_number_masked,
            (crypto.decrypt(w.phone_enc) if full else w.phone_masked) or "",
            w.relation.zh if w.relation else "", w.education.zh if w.education else "", w.school_stage.zh,
            w.health.zh, w.labour_ability.zh,
            w.employment_status.zh, "、".join(s.name for s in w.skills),
            w.expected_wage, w.max_commute_km, "是" if w.willing_to_migrate else "否",
            "是" if w.needs_flexible_hours else "否", "、".join(w.desired_occupations or []),
            None if w.coords_from_village else w.lat, None if w.coords_from_village else w.lon,
            w.household.village.name, w.sex.zh, w.birth_date.isoformat() if full else w.age,
            w.household.monitoring_status.zh,
        ])
    audit.record(actor, "export", "workers", area_code, fields=["id_number", "phone"] if full else None,
                 detail=f"{len(workers)} workers", area_code=audit.area_of_request(actor, area_code))
    return book.save(), f"劳动力-{area_code or '全部'}-{china_today().isoformat()}.xlsx"
