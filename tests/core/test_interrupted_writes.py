"""Work cut off midway (the database connection lost between two statements) leaves nothing
half-written: an import of a ledger, and the referral of an allocation plan."""
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from core.extensions import db
from jobs.models import Referral
from registry.models import EmploymentSpell, Worker, WorkerSkill
from tests.conftest import VILLAGE, id_number
from tests.jobs.conftest import make_employer, make_job  # noqa: F401  (fixtures)
from tests.registry.test_import import upload, xlsx


def _lost(*_args, **_kwargs):
    raise OperationalError("INSERT …", {}, Exception("server closed the connection unexpectedly"))


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_an_import_cut_off_midway_writes_nothing(app, api_as, make_household, monkeypatch):
    household = make_household()
    rows = [["户编号", "姓名", "身份证号", "技能"]] + [[household, f"马{n}", id_number("19900101", 10 + n), "电焊"]
                                                for n in range(30)]
    sheet = xlsx(rows)
    # the workers and their skills are inserted; the connection is lost before their histories
    monkeypatch.setattr("registry.services.spell_rows", _lost)
    response = upload(api_as("station", [VILLAGE]), "workers", sheet, "台账.xlsx")
    assert response.status_code == 503 and response.json["error"]["code"] == "unavailable"
    assert (_count(app, Worker), _count(app, WorkerSkill), _count(app, EmploymentSpell)) == (0, 0, 0)

    monkeypatch.undo()  # the database is back: the same file imports whole
    again = upload(api_as("station", [VILLAGE]), "workers", xlsx(rows), "台账.xlsx")
    assert again.status_code == 200 and again.json["created"] == 30 and _count(app, Worker) == 30


def test_a_plan_referral_cut_off_midway_writes_nothing(app, api_as, make_worker, make_job,  # noqa: F811
                                                        monkeypatch):
    from jobs import referral_lifecycle
    station = api_as("station", [VILLAGE])
    job = make_job(required_skills=[], openings=5)
    pairs = [{"worker_id": make_worker(), "job_id": job} for _ in range(3)]
    real, calls = referral_lifecycle.create_referral, []

    def third_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            _lost()
        return real(*args, **kwargs)
    monkeypatch.setattr("matching.services.create_referral", third_fails)
    response = station.post("/api/v1/allocations/referrals", json={"pairs": pairs})
    assert response.status_code == 503 and len(calls) == 3
    assert _count(app, Referral) == 0  # the two referred before the loss are gone with it
