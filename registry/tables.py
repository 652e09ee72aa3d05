"""Rows from the ledgers people upload (.xlsx or .csv), read within hard limits.

An upload is at most 16 MB (MAX_CONTENT_LENGTH), but an .xlsx is a zip of XML, and what that
unpacks to, and what openpyxl builds from the XML, can be a thousand times more: a 1.6 KB workbook
declaring A1:XFD30000 once grew a worker to 4 GB. Every limit below is checked before the thing
it limits is built, whatever the file declares about itself. The first sheet is opened with
openpyxl's own reader, step by step (its ExcelReader and ReadOnlyWorksheet: openpyxl is pinned,
and tests/security/test_uploads.py says whether a new version still keeps the limits).
"""
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import date, datetime, time
from itertools import islice
from xml.parsers import expat

from flask_babel import gettext as _
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS, SHEET_MAIN_NS

from core.errors import DomainError, ValidationFailed

MAX_ROWS = 100_000  # rows under the header
MAX_COLUMNS = 200  # a ledger has about twenty (WORKER_COLUMNS and the export's extras)
MAX_CELL_CHARS = 131_072  # the csv module's own field limit; Excel stops at 32,767
MAX_UNPACKED_BYTES = 250_000_000  # the parts read, unpacked: our export of MAX_ROWS workers is 113 MB
# openpyxl keeps an object of a few hundred bytes for each XML element and attribute of a part it
# reads (each row's are dropped after the row); expat counts them first, building nothing.
_MAX_ITEMS = 500_000  # styles, workbook, manifest; a sheet outside its rows
_MAX_STRING_ITEMS = 4_000_000  # shared strings: two items for each of twenty strings a row
_MAX_ROW_ITEMS = 16 * MAX_COLUMNS  # one row: sixteen a cell
_MAX_TOKEN_BYTES = 16 * MAX_CELL_CHARS  # one tag or one text: the longest cell, every character escaped
_ROW, _DIMENSION = f"{SHEET_MAIN_NS} row", f"{SHEET_MAIN_NS} dimension"  # as expat names them
_DIGITS = "0123456789"


def read_table(filename: str, data: bytes) -> Iterator[Sequence]:
    """Rows of cells, header first, from .xlsx or .csv (UTF-8, with or without BOM, or GB18030).

    Rows are read one at a time and the file is refused as soon as it passes a limit, so nothing
    larger than the limits is ever built; import_file reads every row before it writes one."""
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
                if any(cell_text(v) is not None for v in islice(row, MAX_COLUMNS, None)):
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
            raise ValidationFailed(_("%(file)s, row %(row)s cannot be read as CSV: check its quotation marks.",
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
        if shape.last_row:  # to openpyxl, max_row=0 would mean "as declared"
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
    """The first worksheet, opened step by step as load_workbook opens it (openpyxl's reader; the
    version is pinned), each part measured before openpyxl reads it. load_workbook itself would also
    open every other sheet and, when a sheet declares no dimension, walk all of it to find one."""
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
                  file=self.filename, mb=MAX_UNPACKED_BYTES // 10**6, rows=MAX_ROWS),
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
                    if read - parser.CurrentByteIndex > _MAX_TOKEN_BYTES:  # bytes since the last tag
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
            if self.depth == self.row_depth + 1:  # openpyxl reads every child of a row as a cell
                ref = attrs.get("r")
                self.column = column_index_from_string(ref.rstrip(_DIGITS)) if ref else self.column + 1  # XFD9: 16384
                self.cells += 1
                if self.cells > MAX_COLUMNS or self.column > MAX_COLUMNS:
                    raise _too_wide(self.filename, self.row)
                if self.column > self.width:
                    self.width = self.column
                self.last_row = self.row
            if self.row_items > _MAX_ROW_ITEMS or name == _ROW:
                raise _TooComplicated
        elif name == _ROW:
            self.rows += 1
            number = _row_number(attrs["r"]) if "r" in attrs else self.row + 1
            if self.rows > MAX_ROWS + 1 or number > MAX_ROWS + 1:
                raise _too_many_rows()
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

    def _declared(self, ref: str):
        """Refused on what the sheet says of itself, before a single row is read."""
        columns, rows = range_boundaries(ref)[2:]
        if (rows or 0) > MAX_ROWS + 1 or (columns or 0) > MAX_COLUMNS:
            raise ValidationFailed(
                _("%(file)s: the sheet's used range, %(range)s, is larger than a ledger can be (at most %(rows)s "
                  "rows and %(columns)s columns are read). Delete the unused rows and columns, formatted empty "
                  "ones too, and save the file again.",
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
        _("%(file)s, row %(row)s has a cell beyond the first %(n)s columns. A ledger needs far fewer: delete "
          "the columns on the right (empty ones too) and save the file again.", file=filename, row=row, n=MAX_COLUMNS),
        {"file": _("more than %(n)s columns", n=MAX_COLUMNS)})


def _too_long(filename: str, row: int) -> ValidationFailed:
    return ValidationFailed(
        _("%(file)s, row %(row)s has a cell longer than %(n)s characters. No ledger cell is that long: "
          "check that this is the right file.", file=filename, row=row, n=MAX_CELL_CHARS),
        {"file": _("row %(row)s: cell too long", row=row)})


def cell_text(value):
    """A cell as text: None when empty; whole numbers without their ".0"; a date typed into Excel
    (read as a datetime at midnight) as its ISO date."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time.min:
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text if text != "" else None
