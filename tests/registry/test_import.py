"""Importing and exporting the station's ledger: good rows kept, every bad row reported."""
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent
from registry.models import EmploymentSpell, Household, Worker
from registry.tables import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from tests.conftest import OTHER_VILLAGE, VILLAGE, id_number


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def edited(book: io.BytesIO, pattern: str, replacement: str) -> io.BytesIO:
    """The workbook with its sheet's XML edited, as some other program might have written it."""
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, found = re.subn(pattern.encode(), replacement.encode(), content)
                assert found
            target.writestr(item, content)
    out.seek(0)
    return out


def upload(client, kind, data: bytes | io.BytesIO, filename):
    stream = data if isinstance(data, io.BytesIO) else io.BytesIO(data)
    return client.post(f"/api/v1/{kind}/import", data={"file": (stream, filename)},
                       content_type="multipart/form-data")


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_worker_import_keeps_good_rows_and_reports_each_bad_one(app, api_as, make_household):
    household = make_household()
    bad_checksum = id_number("19900101", 1)[:-1] + ("1" if id_number("19900101", 1)[-1] != "1" else "2")
    sheet = xlsx([
        ["户编号", "姓名", "身份证号", "手机号", "文化程度", "技能", "愿意外出务工", "就业状态"],
        [household, "李秀兰", id_number("19750301", 2), "13600005678", "小学", "缝纫、做饭", "否", "未就业"],
        [household, "马福", bad_checksum, "13600000001", "初中", "电焊", "是", "unemployed"],
        [None, None, None, None, None, None, None, None],
        [household, "马强", id_number("19920505", 3), "1360000", "博士", "砌墙", "也许", "retired"],
        ["NOPE", "田文", id_number("19850707", 5), "", "高中", "", "0", ""],
        [household, "海平", id_number("19950909", 7), "", "中专/中职", "开挖掘机;会开叉车", "1", "县内就业"],
    ])
    station = api_as("station", [VILLAGE])
    response = upload(station, "workers", sheet, "台账.xlsx")
    assert response.status_code == 200, response.json
    result = response.json
    assert result["created"] == 2 and result["updated"] == 0
    problems = {(e["row"], e["field"]) for e in result["errors"]}
    assert problems == {(3, "id_number"), (5, "phone"), (5, "education"), (5, "willing_to_migrate"),
                        (5, "employment_status"), (6, "household_code")}
    assert all(e["message"] for e in result["errors"])
    assert count(app, Worker) == 2
    names = station.get("/api/v1/workers").json["items"]
    hai = next(w for w in names if w["name"] == "海平")
    assert [s["name"] for s in hai["skills"]] == ["开挖掘机", "会开叉车"]
    assert hai["employment_status"] == "local"
    with app.app_context():  # the bulk insert starts each person's employment history too
        spells = db.session.execute(select(Worker.name, EmploymentSpell.status).join(EmploymentSpell)).all()
        assert {(name, status.name) for name, status in spells} == {("海平", "local"), ("李秀兰", "unemployed")}


def test_csv_with_field_name_headers_in_gb18030(app, api_as, make_household):
    household = make_household()
    text = ("household_code,name,id_number,skills,needs_flexible_hours\n"
            f"{household},杨春燕,{id_number('19800202', 4)},\"带孩子，做饭\",true\n")
    station = api_as("station", [VILLAGE])
    result = upload(station, "workers", text.encode("gb18030"), "ledger.csv").json
    assert result == {"created": 1, "updated": 0, "errors": [], "ignored_columns": []}
    worker = station.get("/api/v1/workers", query_string={"q": "ycy"}).json["items"][0]
    assert worker["needs_flexible_hours"] is True and len(worker["skills"]) == 2


def test_same_person_twice_in_a_file_is_reported_not_merged(api_as, make_household):
    household = make_household()
    number = id_number("19800202", 4)
    text = f"household_code,name,id_number\n{household},甲,{number}\n{household},乙,{number}\n"
    result = upload(api_as("station", [VILLAGE]), "workers", text.encode(), "x.csv").json
    assert result["created"] == 1
    assert result["errors"] == [{"row": 3, "field": "id_number", "message": result["errors"][0]["message"]}]


def test_rows_for_another_village_are_refused(app, api_as, make_household):
    elsewhere = make_household(OTHER_VILLAGE)
    text = f"household_code,name,id_number\n{elsewhere},甲,{id_number('19800202', 4)}\n"
    result = upload(api_as("station", [VILLAGE]), "workers", text.encode(), "x.csv").json
    assert result["created"] == 0 and result["errors"][0]["field"] == "household_code"
    assert count(app, Worker) == 0


def test_export_then_import_updates_instead_of_duplicating(app, api_as, make_worker):
    worker_id = make_worker(name="马成", skills=["电焊"], phone="13895000001")
    station = api_as("station", [VILLAGE])
    exported = station.get("/api/v1/workers/export", query_string={"area_code": VILLAGE})
    assert exported.status_code == 200
    assert exported.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(exported.data))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("户编号", "姓名", "身份证号", "手机号")
    # station staff export their own ledger with full values (audited)
    assert rows[1][3] == "13895000001" and "*" not in rows[1][2]
    sheet = book.active
    sheet.cell(row=2, column=header.index("就业状态") + 1, value="省外务工")
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    result = upload(station, "workers", stream, "back.xlsx").json
    assert result["created"] == 0 and result["updated"] == 1 and result["errors"] == []
    assert station.get(f"/api/v1/workers/{worker_id}").json["employment_status"] == "migrant_out_province"
    assert count(app, Worker) == 1
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"export", "import"} <= actions


def test_county_export_is_masked(api_as, make_worker):
    make_worker(phone="13895000001")
    exported = api_as("county", ["640422000000"]).get("/api/v1/workers/export")
    row = list(load_workbook(io.BytesIO(exported.data)).active.iter_rows(values_only=True))[1]
    assert "*" in row[2] and row[3] == "138****0001"


def test_household_import_creates_and_updates(app, api_as, areas):
    station = api_as("station", [VILLAGE])
    sheet = xlsx([
        ["户编号", "村代码", "监测类型", "脱贫户", "易地搬迁户", "安置点", "帮扶责任人"],
        ["A1", VILLAGE, "脱贫不稳定户", "是", "否", None, "王建华"],
        ["A2", VILLAGE, "一般户", "否", "是", "县城移民安置区", None],
        ["A3", OTHER_VILLAGE, "一般户", "否", "否", None, None],
        ["A4", VILLAGE, "很穷", "否", "否", None, None],
    ])
    result = upload(station, "households", sheet, "户.xlsx").json
    assert result["created"] == 2
    assert {(e["row"], e["field"]) for e in result["errors"]} == {(4, "village_code"), (5, "monitoring_status")}
    again = upload(station, "households", xlsx([["code", "village_code", "monitoring_status"],
                                                ["A1", VILLAGE, "marginal"]]), "h.xlsx").json
    assert again["updated"] == 1 and again["created"] == 0
    assert station.get("/api/v1/households/A1").json["monitoring_status"] == "marginal"
    assert count(app, Household) == 2


def test_unreadable_uploads_are_field_errors(api_as, areas):
    station = api_as("station", [VILLAGE])
    broken = upload(station, "workers", b"not a workbook", "x.xlsx")
    assert broken.status_code == 422 and "file" in broken.json["error"]["fields"]
    wrong_type = upload(station, "workers", b"hello", "x.txt")
    assert wrong_type.status_code == 422 and "file" in wrong_type.json["error"]["fields"]
    no_file = station.post("/api/v1/workers/import", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.json["error"]["fields"]
    unknown_headers = upload(station, "workers", b"foo,bar\n1,2\n", "x.csv")
    assert unknown_headers.status_code == 422


def test_a_workbook_that_understates_its_size_is_read_to_its_last_cell(api_as, make_household):
    """Some programs write <dimension ref="A1"/> whatever the sheet holds; the rows are read anyway."""
    household = make_household()
    sheet = xlsx([["户编号", "姓名", "身份证号"], [household, "甲", id_number("19800202", 4)],
                  [household, "乙", id_number("19810303", 5)]])
    result = upload(api_as("station", [VILLAGE]), "workers", edited(sheet, r'<dimension ref="[^"]*"', '<dimension ref="A1"'),
                    "a1.xlsx").json
    assert result["created"] == 2 and result["errors"] == []


def test_a_workbook_that_breaks_while_being_read_is_a_field_error(app, api_as, make_household):
    household = make_household()
    sheet = xlsx([["户编号", "姓名", "身份证号", "期望月工资"], [household, "甲", id_number("19800202", 4), 3000]])
    response = upload(api_as("station", [VILLAGE]), "workers", edited(sheet, "<v>3000</v>", "<v>三千</v>"), "x.xlsx")
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]
    assert count(app, Worker) == 0


def test_a_csv_cell_over_the_limit_refuses_the_file_naming_its_row(app, api_as, make_household):
    household = make_household()
    station = api_as("station", [VILLAGE])
    text = (f"household_code,name,id_number,备注\n{household},甲,{id_number('19800202', 4)},\n"
            f"{household},乙,{id_number('19810303', 5)},{'备' * MAX_CELL_CHARS}\n")
    at_limit = upload(station, "workers", text.encode(), "备注.csv")  # kept: its column is not read
    assert at_limit.json["created"] == 2 and at_limit.json["ignored_columns"] == ["备注"]
    over = upload(station, "workers", (text + f"{household},丙,{id_number('19820404', 6)},{'备' * (MAX_CELL_CHARS + 1)}\n")
                  .encode(), "备注.csv")
    assert over.status_code == 422
    assert "备注.csv" in over.json["error"]["message"] and "4" in over.json["error"]["fields"]["file"]
    assert count(app, Worker) == 2


def test_csv_columns_past_the_limit_refuse_the_file_unless_empty(app, api_as, make_household):
    household = make_household()
    station = api_as("station", [VILLAGE])
    padding = "," * MAX_COLUMNS  # a spreadsheet program saves the empty columns of a formatted range too
    kept = upload(station, "workers", f"household_code,name,id_number{padding}\n"
                  f"{household},甲,{id_number('19800202', 4)}{padding}\n".encode(), "x.csv")
    assert kept.status_code == 200 and kept.json["created"] == 1
    wide = upload(station, "workers", f"household_code,name,id_number\n"
                  f"{household},乙,{id_number('19810303', 5)}{padding}备注\n".encode(), "x.csv")
    assert wide.status_code == 422 and "file" in wide.json["error"]["fields"]
    assert str(MAX_COLUMNS) in wide.json["error"]["message"]
    assert count(app, Worker) == 1


def test_a_csv_over_the_row_limit_is_refused_whole(app, api_as, make_household):
    household = make_household()
    station = api_as("station", [VILLAGE])
    header = "household_code,name,id_number\n"
    full = header + f"{household},甲,{id_number('19800202', 4)}\n" + ",,\n" * (MAX_ROWS - 1)
    assert upload(station, "workers", full.encode(), "x.csv").json["created"] == 1
    over = upload(station, "workers", (header + f"{household},乙,{id_number('19810303', 5)}\n"
                                       + ",,\n" * MAX_ROWS).encode(), "x.csv")
    assert over.status_code == 422 and "file" in over.json["error"]["fields"]
    assert count(app, Worker) == 1
