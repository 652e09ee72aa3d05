"""Import and export of the station's ledger (台账): households and workers, .xlsx or .csv.

Every row is checked with the API's own schemas; good rows are kept, every bad row is reported by
its row number in the sheet (the header is row 1), field and reason; none is silently dropped.
"""
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from xml.parsers import expat

from flask import request
from flask_babel import gettext as _
from marshmallow import ValidationError
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS, SHEET_MAIN_NS
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, crypto
from core.errors import DomainError, ValidationFailed, flatten_fields
from core.models import Role, User, china_today
from core.scoping import scope_clause, user_sees_area
from core.spreadsheets import Spreadsheet
from core.validators import check_id_number
from registry import services
from registry.models import Area, AreaLevel, Household, Worker
from registry.schemas import HouseholdIn, WorkerIn, WorkerPatch

# (field name, Chinese header the export writes)
HOUSEHOLD_COLUMNS = [
    ("code", "户编号"), ("village_code", "村代码"), ("monitoring_status", "监测类型"),
    ("lifted_out", "脱贫户"), ("relocated", "易地搬迁户"), ("resettlement_site", "安置点"),
    ("helper_name", "帮扶责任人"), ("address", "住址"),
]
WORKER_COLUMNS = [
    ("household_code", "户编号"), ("name", "姓名"), ("id_number", "身份证号"), ("phone", "手机号"),
    ("education", "文化程度"), ("health", "健康状况"), ("labour_ability", "劳动能力"),
    ("employment_status", "就业状态"), ("skills", "技能"), ("expected_wage", "期望月工资"),
    ("max_commute_km", "最远通勤公里"), ("willing_to_migrate", "愿意外出务工"),
    ("needs_flexible_hours", "需要弹性工时"), ("desired_occupations", "意向职业"),
    ("lat", "纬度"), ("lon", "经度"),
]
# Written by the export for reading, ignored on import.
EXPORT_ONLY = {"village_name": "村", "sex": "性别", "birth_date": "出生日期", "age": "年龄",
               "monitoring_status": "监测类型"}

KINDS = {"households": (HOUSEHOLD_COLUMNS, HouseholdIn), "workers": (WORKER_COLUMNS, WorkerIn)}


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


# --- reading files -----------------------------------------------------------------------------
# An upload is at most 16 MB (MAX_CONTENT_LENGTH), but an .xlsx is a zip of XML, and what that
# unpacks to, and what openpyxl builds from the XML, can be a thousand times more: a 1.6 KB
# workbook declaring A1:XFD30000 once grew a worker to 4 GB. Every limit below is checked before
# the thing it limits is built, whatever the file declares about itself.

MAX_ROWS = 100_000  # rows under the header
MAX_COLUMNS = 200  # a ledger has about twenty (WORKER_COLUMNS and the export's extras)
MAX_CELL_CHARS = 131_072  # the csv module's own field limit; Excel stops at 32,767
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # the parts read, unpacked: our export of MAX_ROWS workers is 108 MiB
# openpyxl keeps an object of a few hundred bytes for each XML element and attribute of a part it
# reads (each row's are dropped after the row); expat counts them first, building nothing.
_MAX_ITEMS = 500_000  # styles, workbook, manifest; a sheet outside its rows
_MAX_STRING_ITEMS = 4_000_000  # shared strings: two items for each of twenty strings a row
_MAX_ROW_ITEMS = 16 * MAX_COLUMNS
_MAX_TOKEN_BYTES = 16 * MAX_CELL_CHARS  # one tag or one text: the longest cell, every character escaped
_ROW, _DIMENSION = f"{SHEET_MAIN_NS} row", f"{SHEET_MAIN_NS} dimension"  # as expat names them


def read_table(filename: str, data: bytes) -> Iterator[Sequence]:
    """Rows of cells, header first, from .xlsx or .csv (UTF-8, with or without BOM, or GB18030).

    Rows are read one at a time; the file is refused as soon as it passes a limit, so nothing
    larger than the limits is ever built. The caller sees the refusal before it writes anything."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(filename, data)
    elif name.endswith(".csv"):
        rows = _csv_rows(filename, data)
    else:
        raise ValidationFailed(_("Upload an .xlsx or .csv file."), {"file": _("must be .xlsx or .csv")})
    return _within_limits(filename, rows)


def _within_limits(filename: str, rows: Iterator[Sequence]) -> Iterator[Sequence]:
    with closing(rows):
        for number, row in enumerate(rows, start=1):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            if len(row) > MAX_COLUMNS:  # a CSV line; empty fields at its end are harmless
                if any(_cell(v) is not None for v in islice(row, MAX_COLUMNS, None)):
                    raise _too_wide(filename, number)
                row = row[:MAX_COLUMNS]
            if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in row):
                raise _too_long(filename, number)
            yield row


def _csv_rows(filename: str, data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(_("The CSV file is neither UTF-8 nor GB18030."), {"file": _("unknown encoding")})
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            row = next(reader, None)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise _too_long(filename, number + 1) from None
            raise ValidationFailed(_("%(file)s, row %(row)s cannot be read as CSV; check its quotation marks.",
                                     file=filename, row=number + 1),
                                   {"file": _("row %(row)s: unreadable", row=number + 1)}) from None
        if row is None:
            return
        number += 1
        yield row


def _xlsx_rows(filename: str, data: bytes) -> Iterator[tuple]:
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:
        raise _unreadable() from None
    try:
        sheet, shape = _first_sheet(filename, reader)
        if shape.last_row:  # openpyxl takes 0 for "as declared"
            with closing(sheet.iter_rows(max_row=shape.last_row, max_col=shape.width, values_only=True)) as rows:
                for number, row in enumerate(rows, start=1):
                    yield row
                    if number == shape.last_row:
                        break  # what follows the rows is never parsed
    except DomainError:
        raise
    except Exception:  # openpyxl's and zipfile's many ways of saying the file is broken
        raise _unreadable() from None
    finally:
        reader.archive.close()


def _first_sheet(filename: str, reader: ExcelReader) -> tuple[ReadOnlyWorksheet, "_SheetShape"]:
    """The first worksheet, opened the way load_workbook opens it, but only after each part that
    openpyxl is about to read has been measured; load_workbook would also open every other sheet
    and, when a sheet declares no dimension, walk all of it to find one."""
    check = _PartCheck(filename, reader.archive)
    check.part(ARC_CONTENT_TYPES, _Items(_MAX_ITEMS))
    reader.read_manifest()
    workbook = _find_workbook_part(reader.package).PartName[1:]
    check.part(workbook, _Items(_MAX_ITEMS))
    check.part(get_rels_path(workbook), _Items(_MAX_ITEMS))
    reader.read_workbook()
    sheet, part = next(((s, rel.target) for s, rel in reader.parser.find_sheets()
                        if "chartsheet" not in rel.Type and rel.target in reader.valid_files), (None, None))
    if sheet is None:
        raise _unreadable()
    shape = check.part(part, _SheetShape(filename))
    strings = reader.package.find(SHARED_STRINGS)
    if strings is not None:
        check.part(strings.PartName[1:], _Items(_MAX_STRING_ITEMS))
        reader.read_strings()
    if ARC_STYLE in reader.valid_files:
        check.part(ARC_STYLE, _Items(_MAX_ITEMS))
        apply_stylesheet(reader.archive, reader.wb)
    return ReadOnlyWorksheet(reader.wb, sheet.name, part, reader.shared_strings), shape


class _TooComplicated(Exception):
    """More XML than a ledger has, in the part being measured."""


class _PartCheck:
    """Measures the parts of one workbook: their unpacked sizes together, and each part's XML."""

    def __init__(self, filename: str, archive: zipfile.ZipFile):
        self.filename, self.archive, self.unpacked = filename, archive, 0

    def part(self, name: str, watcher):
        """Walk one part with expat, which builds nothing, so that `watcher` can refuse it before
        openpyxl builds it. Also refused: a DTD (a workbook has none; entity bombs need one), and
        a tag or text longer than any cell may be."""
        info = self.archive.getinfo(name)
        self.unpacked += info.file_size  # as the zip declares it; zipfile never inflates more
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise ValidationFailed(
                _("%(file)s unpacks to more than %(mb)s MB, far more than a ledger of %(rows)s rows needs. "
                  "Save the table alone in a new workbook and try again.",
                  file=self.filename, mb=MAX_UNPACKED_BYTES // 2**20, rows=MAX_ROWS),
                {"file": _("too large once unpacked")})
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler, parser.EndElementHandler = watcher.start, watcher.end
        read = 0
        try:
            with self.archive.open(info) as source:
                while chunk := source.read(64 * 1024):
                    parser.Parse(chunk, False)
                    read += len(chunk)
                    if read - parser.CurrentByteIndex > _MAX_TOKEN_BYTES:  # the last tag seen
                        raise _TooComplicated
                parser.Parse(b"", True)
        except _TooComplicated:
            raise ValidationFailed(
                _("%(file)s is more complicated than a ledger (%(part)s). "
                  "Copy the table into a new workbook and save it again.", file=self.filename, part=name),
                {"file": _("too complicated")}) from None
        return watcher


def _refuse_doctype(*args):
    raise ValueError("a DTD in a workbook part")


class _Items:
    """Counts the elements and attributes of a part that openpyxl reads whole."""

    def __init__(self, limit: int):
        self.limit, self.count = limit, 0

    def start(self, name, attrs):
        self.count += 1 + len(attrs)
        if self.count > self.limit:
            raise _TooComplicated

    def end(self, name):
        pass


class _SheetShape:
    """What openpyxl will make of a worksheet, counted element by element: its declared dimension,
    its rows and each row's cells, numbered the way openpyxl numbers them (from `r`, else one on
    from the previous). `last_row` and `width` are the real extent, to read it without padding."""

    def __init__(self, filename: str):
        self.filename = filename
        self.rows = self.last_row = self.width = 0
        self.depth = self.row_depth = 0  # row_depth: 0 outside a row
        self.row = self.column = self.cells = self.row_items = self.other_items = 0

    def start(self, name, attrs):
        self.depth += 1
        if self.row_depth:
            self.row_items += 1 + len(attrs)
            if self.row_items > _MAX_ROW_ITEMS or name == _ROW:
                raise _TooComplicated
            if self.depth == self.row_depth + 1:  # openpyxl reads every child of a row as a cell
                self._cell(attrs.get("r"))
        elif name == _ROW:
            self.rows += 1
            if self.rows > MAX_ROWS + 1:
                raise _too_many_rows()
            number = _row_number(attrs["r"]) if "r" in attrs else self.row + 1
            if number <= self.row:
                raise ValueError("rows out of order")  # openpyxl would skip the row unsaid
            self.row, self.column, self.cells = number, 0, 0
            self.row_depth, self.row_items = self.depth, 1 + len(attrs)
        else:
            self.other_items += 1 + len(attrs)
            if self.other_items > _MAX_ITEMS:
                raise _TooComplicated
            if name == _DIMENSION:
                self._declared(attrs.get("ref", ""))

    def end(self, name):
        if self.depth == self.row_depth:
            self.row_depth = 0
        self.depth -= 1

    def _cell(self, ref):
        self.cells += 1
        self.column = coordinate_to_tuple(ref)[1] if ref else self.column + 1
        if self.cells > MAX_COLUMNS or self.column > MAX_COLUMNS:
            raise _too_wide(self.filename, self.row)
        if self.row > MAX_ROWS + 1:
            raise _too_many_rows()
        self.last_row = self.row
        self.width = max(self.width, self.column)

    def _declared(self, ref: str):
        """Refused on what the sheet says of itself, before a single row is read."""
        columns, rows = range_boundaries(ref)[2:]
        if (rows or 0) > MAX_ROWS + 1 or (columns or 0) > MAX_COLUMNS:
            raise ValidationFailed(
                _("%(file)s: the sheet's used range is %(range)s, larger than a ledger can be: at most %(rows)s "
                  "rows and %(columns)s columns are read. Delete the unused rows and columns (formatted empty "
                  "ones too) and save the file again.",
                  file=self.filename, range=ref, rows=MAX_ROWS, columns=MAX_COLUMNS),
                {"file": _("sheet too large")})


def _row_number(text: str) -> int:
    value = float(text)  # as openpyxl reads it: "12" or "12.0"
    if not value.is_integer():
        raise ValueError(f"row number {text}")
    return int(value)


def _unreadable() -> ValidationFailed:
    return ValidationFailed(_("The file is not a readable .xlsx workbook."), {"file": _("unreadable .xlsx")})


def _too_many_rows() -> ValidationFailed:
    return ValidationFailed(_("At most %(n)s rows per file.", n=MAX_ROWS), {"file": _("too many rows")})


def _too_wide(filename: str, row: int) -> ValidationFailed:
    return ValidationFailed(
        _("%(file)s, row %(row)s: a cell beyond the first %(n)s columns. A ledger needs far fewer: delete the "
          "columns on the right (empty ones too) and save the file again.", file=filename, row=row, n=MAX_COLUMNS),
        {"file": _("more than %(n)s columns", n=MAX_COLUMNS)})


def _too_long(filename: str, row: int) -> ValidationFailed:
    return ValidationFailed(
        _("%(file)s, row %(row)s: a cell is longer than %(n)s characters. No ledger cell is that long; "
          "check that this is the right file.", file=filename, row=row, n=MAX_CELL_CHARS),
        {"file": _("row %(row)s: cell too long", row=row)})


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if text != "" else None


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
        text = _cell(heading)
        if text is None:
            continue
        if text in by_header:
            mapping[i] = by_header[text]
        elif text not in ignorable:
            report.ignored_columns.append(text)
    if not mapping:
        raise ValidationFailed(_("No known column in the header row."), {"file": _("unknown headers")})
    for number, row in enumerate(rows, start=2):
        values = {name: _cell(row[i]) for i, name in mapping.items() if i < len(row)}
        if any(v is not None for v in values.values()):
            yield number, {k: v for k, v in values.items() if v is not None}


# --- importing ---------------------------------------------------------------------------------

def import_upload(session: Session, kind: str, actor: User) -> dict:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(_("Choose a file to upload."), {"file": _("required")})
    return import_file(session, kind, upload.filename, upload.read(), actor).as_dict()


def import_file(session: Session, kind: str, filename: str, data: bytes, actor: User) -> ImportReport:
    if actor.role not in services.REGISTRY_WRITERS:
        raise ValidationFailed(_("Your role is not allowed to do this."))
    columns, schema_cls = KINDS[kind]
    report = ImportReport()
    rows = list(rows_as_dicts(read_table(filename, data), columns, report))
    if kind == "households":
        _import_households(session, rows, actor, report)
    else:
        _import_workers(session, rows, actor, report)
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
                existing[code] = services.new_household(session, data)
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
            w.education.zh if w.education else "", w.health.zh, w.labour_ability.zh,
            w.employment_status.zh, "、".join(s.name for s in w.skills),
            w.expected_wage, w.max_commute_km, "是" if w.willing_to_migrate else "否",
            "是" if w.needs_flexible_hours else "否", "、".join(w.desired_occupations or []),
            None if w.coords_from_village else w.lat, None if w.coords_from_village else w.lon,
            w.household.village.name, w.sex.zh, w.birth_date.isoformat() if full else w.age,
            w.household.monitoring_status.zh,
        ])
    audit.record(actor, "export", "workers", area_code, fields=["id_number", "phone"] if full else None,
                 detail=f"{len(workers)} workers", area_code=audit.area_of_request(actor, area_code))
    return book.save(), f"workers-{area_code or 'all'}-{china_today().isoformat()}.xlsx"
