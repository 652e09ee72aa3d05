"""The yearly income check imported from its spreadsheet (issue 16, point 2): good rows are kept, a
year on file is corrected, every bad row is reported by its row number."""
import io

from openpyxl import Workbook

from tests.conftest import COUNTY, OTHER_VILLAGE, VILLAGE

HEADER = ["户编号", "年度", "工资性收入", "经营性收入", "财产性收入", "转移性收入", "生产经营性支出"]


def sheet(*rows) -> io.BytesIO:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def upload(client, stream):
    return client.post("/api/v1/households/incomes/import", data={"file": (stream, "收入核查.xlsx")},
                       content_type="multipart/form-data")


def test_the_income_check_sheet_keeps_good_rows_and_names_bad_ones(api_as, make_household, make_worker):
    first, second, theirs = make_household(), make_household(), make_household(OTHER_VILLAGE)
    for home in (first, first, second):
        make_worker(home, birth="19800101" if home == second else "19850505")
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    station = api_as("station", [VILLAGE])

    result = upload(station, sheet(
        (first, 2026, 12000, 2000, 0, 1000, 1000),  # 14,000 for two: 7,000 a person
        (second, 2026, 5000, None, None, 600, None),
        (first, 2026, 1, 1, 1, 1, 1),  # the same household and year again
        (theirs, 2026, 9000, 0, 0, 0, 0),  # a household of another station
        ("H9999", 2026, 9000, 0, 0, 0, 0),
        (second, 1999, 9000, 0, 0, 0, 0),
        (second, 2025, -3, 0, 0, 0, 0),
    )).json

    assert (result["created"], result["updated"]) == (2, 0)
    assert sorted((e["row"], e["field"]) for e in result["errors"]) == [
        (4, "year"), (5, "household_code"), (6, "household_code"), (7, "year"), (8, "wage_income")]
    income = station.get(f"/api/v1/households/{first}").json["income"]
    assert (income["year"], income["per_capita"], income["below_line"]) == (2026, 7000.0, False)
    assert station.get(f"/api/v1/households/{second}").json["income"]["per_capita"] == 5600.0

    corrected = upload(station, sheet((second, 2026, 9000, 0, 0, 0, 0))).json
    assert (corrected["created"], corrected["updated"], corrected["errors"]) == (0, 1, [])
    assert station.get(f"/api/v1/households/{second}").json["income"]["per_capita"] == 9000.0


def test_only_the_registry_keepers_import_incomes(api_as, make_household):
    home = make_household()
    assert upload(api_as("county", [COUNTY]), sheet((home, 2026, 1, 0, 0, 0, 0))).status_code == 403
