"""The application factory."""

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


def create_app(test_config: dict | None = None) -> Flask:
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
    _import_models()


def _import_models() -> None:
    """Every table must be known to the metadata before migrations or create_all look at it."""
    import core.models  # noqa: F401
    import jobs.models  # noqa: F401
    import matching.models  # noqa: F401
    import monitoring.models  # noqa: F401
    import registry.models  # noqa: F401
    import training.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from core import api as core_api
    from core import i18n
    from core import views as core_views
    from jobs import api as jobs_api
    from jobs import referral_views  # noqa: F401  (its routes are on jobs.views.bp)
    from jobs import views as jobs_views
    from matching import api as matching_api
    from matching import (
        plan_views,  # noqa: F401  (its routes are on matching.views.bp)
        planning_views,
    )
    from matching import views as matching_views
    from monitoring import api as monitoring_api
    from monitoring import views as monitoring_views
    from registry import api as registry_api
    from registry import corrections_api
    from registry import views as registry_views
    from training import api as training_api
    from training import provider_views as training_provider_views
    from training import station_views as training_station_views
    from training import views as training_views

    core_api.api.init_app(app)
    for bp in (*core_api.blueprints, *registry_api.blueprints, *corrections_api.blueprints, *jobs_api.blueprints,
               *training_api.blueprints, *matching_api.blueprints, *monitoring_api.blueprints):
        core_api.api.register_blueprint(bp)
        csrf.exempt(bp)  # bearer tokens, not cookies: nothing for a forged form to ride on
    app.register_blueprint(core_views.bp)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(registry_views.bp)
    app.register_blueprint(jobs_views.bp)
    app.register_blueprint(training_views.bp)
    app.register_blueprint(training_provider_views.bp)
    app.register_blueprint(training_station_views.bp)
    app.register_blueprint(matching_views.bp)
    app.register_blueprint(planning_views.bp)
    app.register_blueprint(monitoring_views.bp)


def register_errorhandlers(app: Flask) -> None:
    from core.errors import register_errorhandlers as register
    register(app)


def register_commands(app: Flask) -> None:
    from core.cli import register
    register(app)
