"""The one writer of every spreadsheet the application hands out (ledgers, plans, subsidy lists).

Text stays text: openpyxl stores a string that begins with "=" as a formula, so a worker named
`=HYPERLINK(...)` would become a live link in the station's export, next to the columns that hold
full ID numbers. Every string is written as a string cell, and one that a spreadsheet program would
read as the start of a formula when it is edited (= + - @, a tab, a carriage return) also gets the
quote prefix, so that it stays text after editing too.
"""
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Sheet:
    def __init__(self, book: Workbook, title: str, header: list[str]):
        self._sheet = book.create_sheet(title=title)
        self.append(header)

    def append(self, values) -> None:
        self._sheet.append([self._cell(v) for v in values])

    def choices(self, column: int, values: list[str], rows: int = 2000) -> None:
        """The cells of a column (0-based) below the header offer these values as a list (a
        spreadsheet program shows a drop-down and refuses other values)."""
        letter = get_column_letter(column + 1)
        listed = ",".join(values)
        if len(listed) > 250:  # a list written into the rule itself holds at most 255 characters
            raise ValueError(f"too long a list for column {letter}")
        rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showDropDown=False)
        rule.add(f"{letter}2:{letter}{rows + 1}")
        self._sheet.data_validations.append(rule)

    def _cell(self, value):
        if not isinstance(value, str):
            return value
        # Characters a workbook cannot hold (control characters stored before input was checked).
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(self._sheet, value=text)
        cell.data_type = "s"  # never "f", whatever the text begins with
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return cell


class Spreadsheet:
    """`sheet(title, header)` gives a sheet to `append` rows to; `save()` the finished file."""

    def __init__(self):
        self._book = Workbook(write_only=True)

    def sheet(self, title: str, header: list[str]) -> Sheet:
        return Sheet(self._book, title, header)

    def save(self) -> io.BytesIO:
        stream = io.BytesIO()
        self._book.save(stream)
        stream.seek(0)
        return stream
