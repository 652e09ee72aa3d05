"""Blank ledgers to fill in (issue 17): the import's Chinese headers, an example row the import
passes over, drop-down lists on coded columns, and a file name in Chinese."""
import io
from urllib.parse import unquote

from openpyxl import load_workbook

from registry.importers import HOUSEHOLD_COLUMNS, WORKER_COLUMNS
from tests.conftest import VILLAGE


def book_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data))


def test_the_workers_template_has_the_headers_an_example_and_lists(api_as, areas):
    response = api_as("station", [VILLAGE]).get("/api/v1/workers/import-template")
    book = book_of(response)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [zh for _name, zh in WORKER_COLUMNS]
    example = dict(zip(rows[0], rows[1]))
    assert example["户编号"].startswith("示例") and example["与户主关系"] == "户主"
    lists = {str(rule.sqref).split(":")[0][:-1]: rule.formula1 for rule in sheet.data_validations.dataValidation}
    column = {zh: chr(ord("A") + i) for i, (_n, zh) in enumerate(WORKER_COLUMNS)}
    assert lists[column["就业状态"]] == '"未就业,县内就业,省内县外务工,省外务工,公益性岗位,自主创业/灵活就业,在训,无劳动能力"'
    assert lists[column["愿意外出务工"]] == '"是,否"'
    assert column["技能"] not in lists  # free text
    assert "劳动力导入模板" in unquote(response.headers["Content-Disposition"])


def test_a_filled_in_template_imports_and_its_example_row_is_passed_over(api_as, areas):
    station = api_as("station", [VILLAGE])
    book = book_of(station.get("/api/v1/households/import-template"))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == [zh for _name, zh in HOUSEHOLD_COLUMNS]
    assert sheet.cell(row=2, column=header.index("村代码") + 1).value == VILLAGE  # a village of the station
    row = {"户编号": "TJ-900", "村代码": VILLAGE, "监测类型": "一般户", "脱贫户": "是", "易地搬迁户": "否"}
    sheet.append([row.get(h) for h in header])
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    result = station.post("/api/v1/households/import", data={"file": (stream, "农户.xlsx")},
                          content_type="multipart/form-data").json
    assert (result["created"], result["errors"]) == (1, [])
    assert station.get("/api/v1/households?q=示例").json["total"] == 0


def test_the_templates_are_on_the_import_page(login_as, areas):
    page = login_as("station", [VILLAGE])
    html = page.get("/import").get_data(as_text=True)
    for kind in ("workers", "households", "incomes"):
        assert f'href="/import/template/{kind}"' in html
        assert page.get(f"/import/template/{kind}").status_code == 200
    assert page.get("/import/template/other").status_code == 404


def test_exported_files_are_named_in_chinese(api_as, login_as, make_worker):
    make_worker()
    exported = api_as("station", [VILLAGE]).get("/api/v1/workers/export", query_string={"area_code": VILLAGE})
    assert f"劳动力-{VILLAGE}-" in unquote(exported.headers["Content-Disposition"])
    ledger = login_as("station", [VILLAGE]).get("/training/subsidies.xlsx")
    assert "培训补贴-" in unquote(ledger.headers["Content-Disposition"])
