"""The audit log reads in words: every action, entity and field the code records has a label (a
translatable msgid), the page shows those labels with the person's name, and it filters by person,
action and a range of days in China time."""
import ast
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update

from core import audit
from core.extensions import db
from core.models import AuditEvent, User
from tests.conftest import VILLAGE, csrf_token

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("application", "core", "registry", "jobs", "training", "matching", "monitoring")


def _strings(node) -> list[str] | None:
    """The string constants an argument can be (a literal, or either side of `a if c else b`); None
    when it is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        sides = [_strings(node.body), _strings(node.orelse)]
        return None if None in sides else sides[0] + sides[1]
    return None


def recorded_words():
    """What every `audit.record(...)` call in the code writes: (actions, entities, literal field names,
    the calls whose action or entity is computed)."""
    actions, entities, fields, computed, calls = set(), set(), set(), [], 0
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "record" and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "audit"):
                    continue
                calls += 1
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                for index, into in ((1, actions), (2, entities)):
                    words = _strings(node.args[index]) if len(node.args) > index else None
                    if words is None:
                        computed.append((where, ast.unparse(node.args[index])))
                    else:
                        into.update(words)
                for keyword in node.keywords:
                    if keyword.arg == "fields":
                        fields.update(n.value for n in ast.walk(keyword.value)
                                      if isinstance(n, ast.Constant) and isinstance(n.value, str))
    return actions, entities, fields, computed, calls


def schema_fields() -> set[str]:
    """Field names recorded from the data a service was given (`fields=sorted(data)`, `changed`):
    the input schemas of the records whose changes are audited."""
    from core.schemas import AccountIn, AccountPatch
    from monitoring.schemas import MeasureIn
    from registry.incomes import AMOUNTS
    from registry.schemas import AreaPatch, HouseholdIn, HouseholdPatch, WorkerIn, WorkerPatch
    from training.schemas import CourseIn, CoursePatch
    names = set(AMOUNTS)
    for schema in (HouseholdIn, HouseholdPatch, WorkerIn, WorkerPatch, CourseIn, CoursePatch, MeasureIn,
                   AccountIn, AccountPatch, AreaPatch):
        names |= set(schema().fields)
    return names


def test_every_recorded_action_entity_and_field_has_a_label():
    from registry.importers import KINDS
    actions, entities, fields, computed, calls = recorded_words()
    assert calls >= 30  # the scan reads the real calls (38 when written)
    # the one computed word: an import's kind, which is one of the importer's kinds
    assert [code for _where, code in computed] == ["kind"], computed
    entities |= set(KINDS)
    fields |= schema_fields() | {"id_number", "phone"}  # an exact search records which number it was
    assert actions - set(audit.ACTION_LABELS) == set()
    assert entities - set(audit.ENTITY_LABELS) == set()
    assert fields - set(audit.FIELD_LABELS) == set()


@pytest.mark.parametrize("labels", [audit.ACTION_LABELS, audit.ENTITY_LABELS, audit.FIELD_LABELS])
def test_labels_are_translatable_words_not_internal_names(labels):
    for word, label in labels.items():
        assert isinstance(label, LazyString), word  # _l("…"): extracted into messages.pot, translated
        assert "_" not in label._args[0], word  # words, not the name it is recorded by


def test_an_unknown_word_shows_as_itself_rather_than_failing():
    assert audit.label(audit.ACTION_LABELS, "something_new") == "something_new"
    assert audit.label(audit.FIELD_LABELS, None) == ""


def _english(page):
    token = csrf_token(page.get("/audit").get_data(as_text=True))
    page.post("/lang/en", data={"csrf_token": token, "next": "/audit"})


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_log_shows_who_did_what_in_words(app, api_as, login_as, make_user, make_worker):
    worker = make_worker()
    username, _password = make_user("station", [VILLAGE], display_name="团结村劳保站")
    with app.app_context():
        from core.auth import authenticate, issue_token
        token = issue_token(authenticate(username, "Tuanjie-2026-pw"))
        db.session.commit()
    from tests.conftest import ApiClient
    station = ApiClient(app.test_client(), token)
    assert station.post(f"/api/v1/workers/{worker}/reveal").status_code == 200
    admin = login_as("admin")
    _english(admin)
    html = admin.get(f"/audit?user={username}").get_data(as_text=True)
    row = re.search(r'<li class="audit-row" data-action="reveal".*?</li>', html, re.S).group(0)
    text = _visible(row)
    assert "团结村劳保站" in text and username in text  # the person: name and username
    assert "revealed in full" in text and f"worker {worker}" in text
    assert "ID number" in text and "phone" in text and "id_number" not in text
    assert "团结村委会" in text  # the area by its name
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", text)

    listed = api_as("admin").get(f"/api/v1/audit?actor={username}").json["items"][0]
    assert listed["action"] == "reveal" and listed["fields"] == ["id_number", "phone"]
    assert set(listed) >= {"action_label", "entity_label", "field_labels"}


def test_the_log_filters_by_person_action_and_days_in_china_time(app, login_as, make_user, areas):
    name_a, _pw = make_user("station", [VILLAGE])
    name_b, _pw = make_user("station", [VILLAGE])
    with app.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
        moments = {  # UTC; in China these are 2020-03-01 10:00, 2020-03-02 01:00, 2020-03-05 09:00
            ("create", name_a): datetime(2020, 3, 1, 2, tzinfo=timezone.utc),
            ("update", name_a): datetime(2020, 3, 1, 17, tzinfo=timezone.utc),
            ("create", name_b): datetime(2020, 3, 5, 1, tzinfo=timezone.utc)}
        for (action, who), at in moments.items():
            event = AuditEvent(user_id=ids[who], action=action, entity="household", entity_id=f"{who}-{action}")
            db.session.add(event)
            db.session.flush()
            db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(at=at))
        db.session.commit()
    admin = login_as("admin")

    def shown(query):
        return set(re.findall(r'data-entity-id="([^"]*)"', admin.get(f"/audit?{query}").get_data(as_text=True)))

    assert shown(f"user={name_a}") == {f"{name_a}-create", f"{name_a}-update"}
    assert shown("action=update") == {f"{name_a}-update"}
    assert shown("since=2020-03-02&until=2020-03-02") == {f"{name_a}-update"}  # 01:00 on the 2nd in China
    assert shown("until=2020-03-01") == {f"{name_a}-create"}
    assert shown("since=2020-03-03&until=2020-12-31") == {f"{name_b}-create"}
    assert shown(f"user={name_b}&since=2020-03-01&until=2020-03-04") == set()
    assert admin.get("/audit?since=not-a-day").status_code == 200  # a bad filter is ignored, not a 500
