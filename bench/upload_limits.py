"""Benchmark: what reading a hostile ledger costs the server, with the limits of registry/tables.py.

Each file is a few kilobytes (the zip bomb a quarter of a megabyte) and is read by `read_table`, the
reader behind the import page and API; the script prints how it was refused, the time and the
peak of Python's allocations (tracemalloc: the interpreter, openpyxl, expat and zlib all allocate
through it; it also slows them). Then, for scale, the largest ledger allowed (MAX_ROWS workers, our
own export format) read whole in a fresh process, with how far its resident memory rose (Linux).
Run: `.venv/bin/python bench/upload_limits.py [--ledger-rows N]` (N=0 skips the ledger).
"""
import argparse
import io
import random
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.errors import ValidationFailed  # noqa: E402
from core.spreadsheets import Spreadsheet  # noqa: E402
from registry.importers import WORKER_COLUMNS  # noqa: E402
from registry.tables import MAX_ROWS, MAX_UNPACKED_BYTES, read_table  # noqa: E402
from tests.security import test_uploads as hostile  # noqa: E402
from tests.security.test_uploads import HEADER, MAIN, SHEET  # noqa: E402


def workbook(sheet: str, more: dict[str, str] | None = None) -> bytes:
    """The tests' hand-written .xlsx (tests/security/test_uploads.py) around this worksheet content."""
    return hostile.workbook(hostile.worksheet(sheet), more)


HOSTILE = {
    "A1:XFD30000 declared, one cell at XFD30000 (the review's file)":
        workbook(f'<dimension ref="A1:XFD30000"/><sheetData>{HEADER}'
                 '<row r="30000"><c r="XFD30000"><v>1</v></c></row></sheetData>'),
    "no dimension, one cell at XFD30000":
        workbook(f'<sheetData>{HEADER}<row r="30000"><c r="XFD30000"><v>1</v></c></row></sheetData>'),
    "A1:C2 declared, a row of 1,000,000 cells without coordinates":
        workbook(f'<dimension ref="A1:C2"/><sheetData>{HEADER}<row>{"<c/>" * 1_000_000}</row></sheetData>'),
    "no dimension, 1,000,000 empty rows":
        workbook(f'<sheetData>{HEADER}{"<row/>" * 1_000_000}</sheetData>'),
    "styles: 1,000,000 cell formats":
        workbook(f"<sheetData>{HEADER}</sheetData>",
                 {"xl/styles.xml": f'<styleSheet xmlns="{MAIN}"><cellXfs>{"<xf/>" * 1_000_000}</cellXfs></styleSheet>'}),
    f"zip bomb: a sheet of {(MAX_UNPACKED_BYTES // 2**20 + 1) * 2**20 / 10**6:.0f} MB of blanks": hostile.zip_bomb(),
}


def ledger(rows: int) -> bytes:
    rng = random.Random(1)
    book = Spreadsheet()
    sheet = book.sheet("劳动力", [zh for _, zh in WORKER_COLUMNS] + ["村", "性别", "出生日期", "监测类型"])
    for n in range(rows):
        sheet.append([f"H{n // 3:06d}", "马" + rng.choice("成福明海军强平忠学文"), f"64042219{rng.randint(60, 99)}0101{n % 1000:03d}X",
                      f"139{rng.randint(0, 99999999):08d}", "初中", "良好", "完全劳动能力", "县内就业", "电焊、开挖掘机、种洋芋",
                      rng.choice([3000, 4000, 5000]), 30, "是", "否", "建筑工人、保安", 35.96 + rng.random(),
                      105.7 + rng.random(), "团结村委会", "男", "1988-08-08", "一般户"])
    return book.save().getvalue()


def read_ledger(path: str) -> None:
    """Read a ledger in this fresh process and print its time and how far the resident memory rose
    (Linux: the high-water mark is reset after the imports, /proc/self/clear_refs)."""
    data = Path(path).read_bytes()
    Path("/proc/self/clear_refs").write_text("5")
    before = resident("VmRSS")
    t0 = time.perf_counter()
    rows = sum(1 for _ in read_table("ledger.xlsx", data))
    elapsed = time.perf_counter() - t0
    print(f"    read, {rows:,} rows; {elapsed:.1f} s; resident memory {before / 1024:.0f} MiB (interpreter, "
          f"imports and file), at most {resident('VmHWM') / 1024:.0f} MiB while reading")


def resident(field: str) -> int:
    """KiB, from /proc/self/status."""
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ledger-rows", type=int, default=MAX_ROWS)
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read_ledger(args.read)
        return
    for name, data in HOSTILE.items():
        tracemalloc.start()
        t0 = time.perf_counter()
        try:
            rows = sum(1 for _ in read_table("bench.xlsx", data))
            outcome = f"read, {rows} rows"
        except ValidationFailed as exc:
            outcome = f"refused: {exc.fields['file']}"
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{name}\n    {len(data):>9,} bytes; {outcome}; {elapsed:.2f} s (traced); peak {peak / 2**20:.1f} MiB")
    if args.ledger_rows:
        data = ledger(args.ledger_rows)
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            unpacked = book.getinfo(SHEET).file_size
        print(f"ledger of {args.ledger_rows:,} workers ({len(data) / 2**20:.1f} MiB, sheet {unpacked / 2**20:.0f} MiB "
              "unpacked), read in a fresh process")
        with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
            path = Path(tmp) / "ledger.xlsx"
            path.write_bytes(data)
            subprocess.run([sys.executable, __file__, "--read", str(path)], check=True)


if __name__ == "__main__":
    main()
