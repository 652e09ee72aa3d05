"""Core's part of the application: configuration, extensions, error handlers, and the pages and
commands of accounts, the audit log and backups. The packages' blueprints are added above it, by
the composition root (application/)."""
from flask import Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import ROOT, load_config
from core.extensions import (
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    render_migration_item,
)


def build_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_mapping(load_config(app.instance_path, test_config))
    if app.config["PROXY_COUNT"]:  # behind a reverse proxy: the client's address and scheme from its headers
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from core import i18n, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=render_migration_item)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    security.register_security(app)
    app.jinja_env.globals.update(languages=app.config["LANGUAGES"], get_locale=get_locale)
    import core.models  # noqa: F401  (its tables on the metadata)


def register_blueprints(app: Flask) -> None:
    """Core's own; the API's other blueprints join `core.api.api` later, in the composition root."""
    from core import api as core_api
    from core import api_docs, i18n
    from core import views as core_views
    from core.extensions import csrf

    core_api.api.init_app(app)
    for bp in core_api.blueprints:
        core_api.api.register_blueprint(bp)
        csrf.exempt(bp)  # bearer tokens, not cookies: nothing for a forged form to ride on
    app.register_blueprint(core_views.bp)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(api_docs.bp)


def register_errorhandlers(app: Flask) -> None:
    from core.errors import register_errorhandlers as register
    register(app)


def register_commands(app: Flask) -> None:
    from core.cli import register
    register(app)
