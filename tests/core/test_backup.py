"""`flask backup create` and `backup restore`: a round trip on the suite's database (SQLite, or
PostgreSQL through pg_dump and pg_restore)."""
from sqlalchemy import func, select

from core import crypto
from core.extensions import db
from registry.models import Household, Worker


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return db.session.scalar(select(func.count(Household.id))), db.session.scalar(select(func.count(Worker.id)))


def test_a_backup_brings_everything_back(app, make_household, make_worker, tmp_path):
    kept = make_household(monitoring_status="unstable")
    worker = make_worker(kept, skills=["电焊"])
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", "create", str(tmp_path / "before.backup")])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "before.backup").stat().st_size > 0

    make_worker(make_household())  # written after the backup
    with app.app_context():  # and someone's record lost by mistake
        db.session.delete(db.session.get(Worker, worker))
        db.session.commit()
    assert _counts(app) == (2, 1)

    refused = runner.invoke(args=["backup", "restore", str(tmp_path / "before.backup")], input="n\n")
    assert refused.exit_code != 0 and _counts(app) == (2, 1)  # asked, and told no
    restored = runner.invoke(args=["backup", "restore", str(tmp_path / "before.backup"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _counts(app) == (1, 1)
    with app.app_context():
        back = db.session.get(Worker, worker)
        assert back.household.code == kept and [s.name for s in back.skills] == ["电焊"]
        assert crypto.mask_id_number(crypto.decrypt(back.id_number_enc)) == back.id_number_masked  # still readable


def test_a_file_that_is_no_backup_is_refused(app, make_household, tmp_path):
    make_household()
    junk = tmp_path / "notes.txt"
    junk.write_text("这不是备份")
    done = app.test_cli_runner().invoke(args=["backup", "restore", str(junk), "--yes"])
    assert done.exit_code != 0 and "notes.txt" in done.output
    assert _counts(app) == (1, 0)
