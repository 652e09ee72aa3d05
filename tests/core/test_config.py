"""Configuration from the environment."""
import pytest
from cryptography.fernet import Fernet

from core.config import ConfigError, load_config


def test_production_requires_both_secrets(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PII_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"APP_ENV": "production"})
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    with pytest.raises(ConfigError, match="PII_KEY"):
        load_config(str(tmp_path), {"APP_ENV": "production"})
    assert not list(tmp_path.iterdir()), "production never writes generated secrets"


def test_development_generates_secrets_once_and_keeps_them(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PII_KEY", raising=False)
    first = load_config(str(tmp_path))
    second = load_config(str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and first["PII_KEY"] == second["PII_KEY"]
    assert (tmp_path / "pii_key").stat().st_mode & 0o077 == 0


KEYS = {"SECRET_KEY": "k" * 64, "PII_KEY": Fernet.generate_key().decode()}


def test_database_url_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/labour")
    assert load_config(str(tmp_path), {"APP_ENV": "test", **KEYS})[
        "SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/labour"
    monkeypatch.delenv("DATABASE_URL")
    assert load_config(str(tmp_path), {"APP_ENV": "test", **KEYS})[
        "SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
