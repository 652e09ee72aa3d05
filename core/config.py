"""Configuration from the environment.

`APP_ENV` is `development` (default for `flask run` and `make run`), `test` or `production`.
Outside development and tests, SECRET_KEY and PII_KEY must be given; in development they are
generated once and kept under `instance/` so a restarted dev server keeps sessions and can
still decrypt the personal data it stored.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_KEY = 32  # characters: 128 bits as hex, at the least


class ConfigError(RuntimeError):
    pass


def _instance_secret(instance: Path, name: str, make) -> str:
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    env = os.environ
    instance = Path(instance_path)
    app_env = (overrides or {}).get("APP_ENV") or env.get("APP_ENV", "development")
    cfg = {
        "APP_ENV": app_env,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or "sqlite:///" + str(instance / "labour.db"),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "PII_KEY": env.get("PII_KEY"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "LANGUAGES": {"zh": "中文", "en": "English"},
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # reverse proxies in front that set X-Forwarded-For/-Proto/-Host (0: none; trust no such header)
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        "RATELIMIT_HEADERS_ENABLED": True,
        # failed sign-ins checked per username, and per client address (many usernames tried)
        "LOGIN_THROTTLE": env.get("LOGIN_THROTTLE", "5 per 5 minutes"),
        "LOGIN_ADDRESS_THROTTLE": env.get("LOGIN_ADDRESS_THROTTLE", "20 per 5 minutes"),
        # searches for a person by a full ID number or phone, per user
        "EXACT_SEARCH_LIMIT": env.get("EXACT_SEARCH_LIMIT", "30 per hour"),
        "TOKEN_TTL_DAYS": int(env.get("TOKEN_TTL_DAYS", "30")),
        # how passwords are hashed (werkzeug's scrypt): not read from the environment; only the
        # test suite sets a cheap method, so that its thousand sign-ins do not cost minutes
        "PASSWORD_HASH_METHOD": "scrypt",
        # a sign-in through the pages lasts this long at most ("remember me" included)
        "SESSION_DAYS": int(env.get("SESSION_DAYS", "14")),
        "REFERRAL_REMIND_DAYS": int(env.get("REFERRAL_REMIND_DAYS", "7")),
        "REFERRAL_CLOSE_DAYS": int(env.get("REFERRAL_CLOSE_DAYS", "30")),
        # early warning: how far back an event is news; grace before a follow-up is overdue;
        # notice before a public-welfare post's term ends; how early follow-ups are reminded
        "ALERT_LOOKBACK_DAYS": int(env.get("ALERT_LOOKBACK_DAYS", "30")),
        "FOLLOW_UP_GRACE_DAYS": int(env.get("FOLLOW_UP_GRACE_DAYS", "7")),
        "WELFARE_NOTICE_DAYS": int(env.get("WELFARE_NOTICE_DAYS", "30")),
        "VISIT_DAYS": int(env.get("VISIT_DAYS", "90")),  # a monitored household is visited at least this often
        # a session is added, and its attendance taken, at most this many days after its day
        "ATTENDANCE_GRACE_DAYS": int(env.get("ATTENDANCE_GRACE_DAYS", "14")),
        "FOLLOW_UP_REMIND_DAYS": int(env.get("FOLLOW_UP_REMIND_DAYS", "7")),
        "DATA_DIR": str(ROOT / "data"),
        "API_TITLE": "村级劳保站 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": "Village labour-force registry, training and job matching. "
                                    "Get a token from POST /api/v1/auth/token, then send "
                                    "`Authorization: Bearer <token>`."},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
    cfg.update(overrides or {})
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # psycopg 3 is the driver we install; a plain postgresql:// URL would ask for psycopg2.
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1)
    # the "remember me" cookie lasts no longer than the sign-in it carries
    cfg.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=cfg["SESSION_DAYS"]))
    for name, make in (("SECRET_KEY", lambda: secrets.token_hex(32)),
                       ("PII_KEY", lambda: Fernet.generate_key().decode())):
        if cfg.get(name):
            continue
        if cfg["APP_ENV"] == "production":
            raise ConfigError(f"{name} must be set in the environment in production")
        cfg[name] = _instance_secret(instance, name.lower(), make)
    _check_secrets(cfg)
    return cfg


def _check_secrets(cfg: dict) -> None:
    """A guessable session key lets anyone sign their own cookies; a wrong PII key makes the personal
    data unreadable. Both are refused at start, whatever the environment."""
    if len(cfg["SECRET_KEY"]) < MIN_SECRET_KEY:
        raise ConfigError(f"SECRET_KEY must have at least {MIN_SECRET_KEY} characters (e.g. "
                          "python -c \"import secrets; print(secrets.token_hex(32))\")")
    try:
        Fernet(cfg["PII_KEY"])
    except (ValueError, TypeError):
        raise ConfigError("PII_KEY is not a Fernet key (python -c \"from cryptography.fernet import Fernet; "
                          "print(Fernet.generate_key().decode())\")") from None
