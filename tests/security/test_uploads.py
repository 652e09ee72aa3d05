"""The ledger import under attack, as the security review did it: files a few kilobytes long that
grow without bound when read (a workbook declaring A1:XFD30000 took a worker to 4 GB), and a CSV
field over the csv module's limit (it answered 500). Each is refused with a 422 that names the
`file` field, before anything is expanded, and nothing is written."""
import io
import zipfile

import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from core.errors import ValidationFailed
from core.extensions import db
from core.models import AuditEvent
from registry.models import Household, Worker
from registry.tables import MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES, read_table
from tests.conftest import VILLAGE, csrf_token, id_number

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
PARTS = {  # all of a minimal .xlsx but its worksheet, written by hand as an attacker would
    "[Content_Types].xml": f'<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" '
    f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
    '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" '
    f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def worksheet(content: str) -> str:
    return f'<worksheet xmlns="{MAIN}">{content}</worksheet>'


def workbook(sheet: str, more: dict[str, str] | None = None) -> bytes:
    """An .xlsx whose worksheet part is `sheet`, plus any `more` parts."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in {**PARTS, SHEET: sheet, **(more or {})}.items():
            book.writestr(name, content)
    return stream.getvalue()


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


HEADER = f'<row r="1">{text("A1", "户编号")}{text("B1", "姓名")}{text("C1", "身份证号")}</row>'
BOMB = workbook(worksheet(f'<dimension ref="A1:XFD30000"/><sheetData>{HEADER}'
                          '<row r="30000"><c r="XFD30000"><v>1</v></c></row></sheetData>'))


def post(station, kind: str, data: bytes, filename: str):
    return station.post(f"/api/v1/{kind}/import", data={"file": (io.BytesIO(data), filename)},
                        content_type="multipart/form-data")


def post_page(page, kind: str, data: bytes, filename: str) -> str:
    token = csrf_token(page.get("/import").get_data(as_text=True))
    response = page.post("/import", data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(data), filename)},
                         content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def refused(response) -> dict:
    """The refusal's error body, after checking that it is one: a 422 that names the `file` field."""
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert set(response.json["error"]["fields"]) == {"file"}
    return response.json["error"]


def counts(app) -> tuple[int, int, int]:
    """Workers, households and import audit events in the database."""
    with app.app_context():
        return (db.session.scalar(select(func.count(Worker.id))),
                db.session.scalar(select(func.count(Household.id))),
                db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "import")))


@pytest.mark.parametrize("kind", ["workers", "households"])
def test_the_dimension_bomb_is_refused_before_it_is_expanded(app, areas, api_as, kind):
    assert len(BOMB) < 2_000
    message = refused(post(api_as("station", [VILLAGE]), kind, BOMB, "台账.xlsx"))["message"]
    assert "A1:XFD30000" in message and str(MAX_ROWS) in message and str(MAX_COLUMNS) in message
    assert counts(app) == (0, 0, 0)


def test_the_dimension_bomb_is_refused_on_the_import_page(app, areas, login_as):
    html = post_page(login_as("station", [VILLAGE]), "workers", BOMB, "台账.xlsx")
    assert "A1:XFD30000" in html and 'id="import-report"' not in html
    assert counts(app) == (0, 0, 0)


HIDDEN = {  # declaring a small size or none, but holding a cell far to the right, or rows past the limit
    "wide, declared A1:C2": f'<dimension ref="A1:C2"/><sheetData>{HEADER}<row r="2"><c r="XFD2"><v>1</v></c></row>',
    "wide, undeclared": f'<sheetData>{HEADER}<row r="2"><c r="XFD2"><v>1</v></c></row>',
    "wide, cells without coordinates": f'<sheetData>{HEADER}<row>{"<c/>" * 100_000}</row>',
    "long, declared A1:C2": f'<dimension ref="A1:C2"/><sheetData>{HEADER}'
                            f'<row r="{MAX_ROWS + 2}"><c r="A{MAX_ROWS + 2}"><v>1</v></c></row>',
    "long, undeclared": f'<sheetData>{HEADER}' + "<row/>" * (MAX_ROWS + 1),
}


@pytest.mark.parametrize("content", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_workbook_that_hides_its_size_is_refused_before_a_row_is_read(app, areas, api_as, ctx, content):
    data = workbook(worksheet(content + "</sheetData>"))
    rows = []
    with pytest.raises(ValidationFailed) as refusal:
        for row in read_table("台账.xlsx", data):
            rows.append(row)
    assert set(refusal.value.fields) == {"file"} and rows == []
    refused(post(api_as("station", [VILLAGE]), "workers", data, "台账.xlsx"))
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize("dimension", ['<dimension ref="A1"/>', "",
                                       f'<dimension ref="A1:{get_column_letter(MAX_COLUMNS)}{MAX_ROWS + 1}"/>'],
                         ids=["understated", "undeclared", "declared at the limits"])
def test_reading_returns_the_sheet_as_it_is_never_wider_than_the_limit(ctx, dimension):
    """A wrong, missing or generous dimension neither cuts the sheet short nor pads it out."""
    last = get_column_letter(MAX_COLUMNS)
    sheet = (f'{dimension}<sheetData><row r="1">{text("A1", "户编号")}</row>'
             f'<row r="3"><c r="{last}3"><v>7</v></c></row></sheetData>')
    rows = list(read_table("台账.xlsx", workbook(worksheet(sheet))))
    assert len(rows) == 3 and all(len(row) <= MAX_COLUMNS for row in rows)
    assert rows[0][0] == "户编号" and not any(rows[1]) and rows[2][MAX_COLUMNS - 1] == 7
    narrow = workbook(worksheet(f'{dimension}<sheetData><row>{text("C1", "x")}</row></sheetData>'))
    assert [tuple(row) for row in read_table("台账.xlsx", narrow)] == [(None, None, "x")]


def zip_bomb() -> bytes:
    """A quarter of a megabyte of zip whose sheet unpacks to more than MAX_UNPACKED_BYTES of blanks."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in PARTS.items():
            book.writestr(name, content)
        with book.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}'.encode())
            blanks = b" " * 2**20
            for _ in range(MAX_UNPACKED_BYTES // len(blanks) + 1):
                sheet.write(blanks)
            sheet.write(b"</sheetData></worksheet>")
    return stream.getvalue()


def test_a_zip_bomb_is_refused_by_its_unpacked_size(app, areas, api_as):
    bomb = zip_bomb()
    assert len(bomb) < 1_000_000
    refused(post(api_as("station", [VILLAGE]), "workers", bomb, "台账.xlsx"))
    assert counts(app) == (0, 0, 0)


LAUGHS = "".join(f'<!ENTITY {name} "{("&" + inner + ";") * 10}">' for inner, name in zip("abcdefgh", "bcdefghi"))
GROWING = {  # a few megabytes of XML, or less, that openpyxl would turn into hundreds of megabytes of objects
    "styles": workbook(worksheet(f"<sheetData>{HEADER}</sheetData>"),
                       {"xl/styles.xml": f'<styleSheet xmlns="{MAIN}"><cellXfs>{"<xf/>" * 600_000}</cellXfs></styleSheet>'}),
    "sheet outside its rows": workbook(worksheet(f'<sheetViews>{"<sheetView/>" * 600_000}</sheetViews>'
                                                 f'<sheetData>{HEADER}</sheetData>')),
    "entities": workbook(f'<!DOCTYPE worksheet [<!ENTITY a "ha">{LAUGHS}]>'
                         + worksheet(f'<sheetData>{HEADER}<row r="2">{text("A2", "&i;")}</row></sheetData>')),
}


@pytest.mark.parametrize("data", GROWING.values(), ids=GROWING.keys())
def test_xml_that_would_grow_in_memory_is_refused(app, areas, api_as, data):
    refused(post(api_as("station", [VILLAGE]), "workers", data, "台账.xlsx"))
    assert counts(app) == (0, 0, 0)


def test_a_csv_field_over_the_limit_is_a_422_naming_its_row(app, make_household, api_as, login_as):
    household = make_household()
    data = (f"household_code,name,id_number,备注\n{household},甲,{id_number('19900307', 1)},\n"
            f"{household},乙,{id_number('19900307', 2)},{'x' * 200_000}\n").encode()
    error = refused(post(api_as("station", [VILLAGE]), "workers", data, "台账.csv"))
    assert "台账.csv" in error["message"] and "3" in error["fields"]["file"]
    html = post_page(login_as("station", [VILLAGE]), "workers", data, "台账.csv")
    assert "台账.csv" in html and 'id="import-report"' not in html
    assert counts(app) == (0, 1, 0)
