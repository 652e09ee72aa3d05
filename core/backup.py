"""Backups of the whole database, and restoring one: `flask --app wsgi backup create [FILE]` and
`backup restore FILE`.

SQLite: SQLite's online backup (a consistent copy while the application keeps running), and the
same in reverse to restore. PostgreSQL: `pg_dump` in its custom format, restored with
`pg_restore --clean` into the configured database. Personal data stays encrypted in a backup:
keep PII_KEY with it (and apart from it), or the ID numbers and phones cannot be read again.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from core.models import CHINA


class BackupError(RuntimeError):
    pass


def default_path(instance: Path, url: str) -> Path:
    stamp = datetime.now(CHINA).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if make_url(url).get_backend_name() == "sqlite" else "pgdump"
    return instance / "backups" / f"labour-{stamp}.{suffix}"


def _sqlite_file(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return database


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump reads it (no '+psycopg' driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def create(url: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if make_url(url).get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target),
                               _libpq_url(url)], capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")
    return target


def restore(url: str, source: Path) -> None:
    """Replaces the database's content with the backup's. Stop the web workers and the scheduler
    first on PostgreSQL (pg_restore drops and recreates the tables they use)."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    if make_url(url).get_backend_name() == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_file(url))
        try:
            backup.execute("PRAGMA schema_version").fetchone()  # a file that is not SQLite fails here
            backup.backup(live)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not an SQLite backup: {exc}") from None
        finally:
            live.close()
            backup.close()
    else:
        done = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                               "--dbname", _libpq_url(url), str(source)], capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"{source} could not be restored: {done.stderr.strip()[-500:]}")
