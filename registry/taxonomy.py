"""The canonical skill taxonomy in the database, and the resolver index built from it.

The taxonomy's source is data files (the 2022 occupational classification plus our curated village
skills and aliases); `sync_taxonomy` brings the `skills` table in line with them, idempotently.
Resolution runs in memory on an index built once per process from that table.
"""
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Skill
from registry.skills import Match, SkillEntry, SkillIndex, load_descriptions, load_taxonomy

_lock = threading.Lock()
_cache: dict[object, "ResolvedIndex"] = {}


@dataclass
class ResolvedIndex:
    index: SkillIndex
    skill_ids: dict[str, int]  # taxonomy key -> skills.id
    memo: dict[str, int | None] = field(default_factory=dict)

    def skill_id(self, text: str) -> int | None:
        """Villagers write the same few hundred skills again and again: remember each answer."""
        if text not in self.memo:
            match = self.index.resolve_one(text)
            self.memo[text] = self.skill_ids.get(match.key) if match is not None else None
        return self.memo[text]


def sync_taxonomy(session: Session, data_dir: Path) -> tuple[int, int]:
    """Insert new skills and refresh changed ones; returns (created, updated). Never deletes:
    worker skills point at these rows."""
    existing = {s.key: s for s in session.scalars(select(Skill))}
    created = updated = 0
    for entry in load_taxonomy(Path(data_dir)):
        values = {"name": entry.name, "kind": entry.kind, "code": entry.code,
                  "group_code": entry.group, "aliases": list(entry.aliases)}
        row = existing.get(entry.key)
        if row is None:
            session.add(Skill(key=entry.key, **values))
            created += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            updated += 1
    session.flush()
    forget_index(session)
    return created, updated


def forget_index(session: Session | None = None) -> None:
    with _lock:
        _cache.clear()
    if session is not None:
        session.info.pop("skill_index", None)


def _descriptions() -> dict[str, str]:
    """Occupation definitions and tasks for the resolver (the skills table has none), from the app's
    DATA_DIR, else the project's data/; none if the file is missing."""
    from flask import current_app, has_app_context
    data_dir = current_app.config.get("DATA_DIR") if has_app_context() else None
    try:
        return load_descriptions(Path(data_dir or Path(__file__).resolve().parents[1] / "data"))
    except OSError:
        return {}


def get_index(session: Session) -> ResolvedIndex:
    """The resolver for this database, built on first use (about a second) and kept."""
    cached = session.info.get("skill_index")  # the engine look-up below is slow on hot paths
    if cached is not None:
        return cached
    engine = session.get_bind()
    cached = _cache.get(engine)
    if cached is not None:
        session.info["skill_index"] = cached
        return cached
    with _lock:
        cached = _cache.get(engine)
        if cached is None:
            rows = session.scalars(select(Skill).order_by(Skill.id)).all()
            entries = [SkillEntry(key=r.key, name=r.name, kind=r.kind, code=r.code,
                                  group=r.group_code, aliases=tuple(r.aliases or ())) for r in rows]
            index = SkillIndex(entries, _descriptions())
            cached = _cache[engine] = ResolvedIndex(index, {r.key: r.id for r in rows})
    return cached


def resolve_skill(session: Session, text: str) -> int | None:
    """The id of the canonical skill that free text names, or None if it does not resolve."""
    return get_index(session).skill_id(text)


def resolve_candidates(session: Session, text: str, limit: int = 5) -> list[Match]:
    return get_index(session).index.resolve(text, limit=limit)


def skills_meant(session: Session, text: str | None) -> list[int] | None:
    """The ids of every entry that is the same skill as what `text` names: all that share its
    occupation code (育婴员 and 育婴员证 are one skill), or the entry alone when it has no code.
    None when the text names no skill; for the skill filters of the lists."""
    skill_id = resolve_skill(session, text.strip()) if text and text.strip() else None
    if skill_id is None:
        return None
    code = session.scalar(select(Skill.code).where(Skill.id == skill_id))
    if not code:
        return [skill_id]
    return list(session.scalars(select(Skill.id).where(Skill.code == code).order_by(Skill.id)))
