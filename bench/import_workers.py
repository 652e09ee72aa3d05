"""Benchmark: import 20,000 workers (6,000 households) from an .xlsx ledger into a fresh database.

Prints the time to read the sheet, validate and write every row, and the peak resident memory.
Run: `make bench` or `.venv/bin/python bench/import_workers.py [--workers N] [--database URL]`.
"""
import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.fernet import Fernet  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from application import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role, User  # noqa: E402
from registry.demo import SKILLS, id_number  # noqa: E402
from registry.divisions import import_divisions  # noqa: E402
from registry.importers import import_file  # noqa: E402
from registry.models import Area, AreaLevel, Worker  # noqa: E402


def make_sheets(villages: list[str], workers: int, households: int, rng: random.Random):
    codes = [f"B{i:05d}" for i in range(households)]
    hbook, wbook = Workbook(write_only=True), Workbook(write_only=True)
    hsheet, wsheet = hbook.create_sheet(), wbook.create_sheet()
    hsheet.append(["户编号", "村代码", "监测类型", "脱贫户", "易地搬迁户"])
    for code in codes:
        hsheet.append([code, rng.choice(villages), rng.choice(["一般户", "脱贫不稳定户", "边缘易致贫户"]),
                       rng.choice(["是", "否"]), rng.choice(["是", "否"])])
    wsheet.append(["户编号", "姓名", "身份证号", "手机号", "文化程度", "技能", "就业状态", "期望月工资"])
    from datetime import date, timedelta
    for n in range(workers):
        birth = date(1965, 1, 1) + timedelta(days=rng.randint(0, 365 * 40))
        wsheet.append([codes[n % households], "马" + rng.choice("成福明海军强平忠学文"),
                       id_number(birth, n % 997 + 1), f"139{rng.randint(0, 99999999):08d}",
                       rng.choice(["小学", "初中", "高中"]), "、".join(rng.sample(SKILLS, 2)),
                       rng.choice(["未就业", "县内就业", "省外务工"]), rng.choice([3000, 4000, 5000])])
    out = []
    for book in (hbook, wbook):
        stream = io.BytesIO()
        book.save(stream)
        out.append(stream.getvalue())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--households", type=int, default=6_000)
    parser.add_argument("--database")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-import-")
    app = create_app({"APP_ENV": "test", "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode(),
                      "SQLALCHEMY_DATABASE_URI": args.database or "sqlite:///" + os.path.join(tmp, "bench.db")})
    data = Path(app.config["DATA_DIR"])
    with app.test_request_context():
        upgrade()
        import_divisions(db.session, data / "divisions" / "sample_counties_villages_5level.csv", data, county="640422")
        db.session.commit()
        villages = db.session.scalars(select(Area.code).where(Area.level == AreaLevel.village)).all()
        households_xlsx, workers_xlsx = make_sheets(villages, args.workers, args.households, random.Random(7))
        admin = User(role=Role.admin, username="bench")
        t0 = time.perf_counter()
        h = import_file(db.session, "households", "households.xlsx", households_xlsx, admin)
        db.session.commit()
        t1 = time.perf_counter()
        w = import_file(db.session, "workers", "workers.xlsx", workers_xlsx, admin)
        db.session.commit()
        t2 = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        stored = db.session.scalar(select(func.count(Worker.id)))
    print(f"households: {h.created:>6} created, {len(h.errors)} errors in {t1 - t0:6.2f} s")
    print(f"workers:    {w.created:>6} created, {len(w.errors)} errors in {t2 - t1:6.2f} s "
          f"({args.workers / (t2 - t1):,.0f} rows/s); {stored} stored")
    print(f"peak resident memory of the process: {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
