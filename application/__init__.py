"""The composition root: the one module that knows every package. It builds core's app, adds each
package's blueprints and commands, and wires the signals a lower package sends to the higher ones
that answer them. Nothing imports this package but the entry points (wsgi.py, tests, bench)."""
from flask import Flask

from core.app import build_app


def create_app(test_config: dict | None = None) -> Flask:
    app = build_app(test_config)
    _import_models()
    register_blueprints(app)
    register_commands(app)
    connect_signals()
    return app


def _import_models() -> None:
    """Every table must be known to the metadata before migrations or create_all look at it."""
    import jobs.models  # noqa: F401
    import matching.models  # noqa: F401
    import monitoring.models  # noqa: F401
    import registry.models  # noqa: F401
    import training.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from application import home
    from core.api import api
    from core.extensions import csrf
    from jobs import api as jobs_api
    from jobs import (
        certificate_api,
        certificate_views,  # noqa: F401  (employment certificates: on jobs.views.bp)
        complaint_api,
        complaint_views,  # noqa: F401  (complaints against employers: on jobs.views.bp)
        employer_views,  # noqa: F401  (the employer's own pages: on jobs.views.bp)
        me_views,  # noqa: F401  (a worker's own applications: on jobs.views.bp)
        public_api,
        public_views,  # noqa: F401  (its routes are on jobs.views.bp)
        referral_views,  # noqa: F401  (its routes are on jobs.views.bp)
        subsidy_api,
        subsidy_views,  # noqa: F401  (employers' subsidy ledger: on jobs.views.bp)
    )
    from jobs import me_api as my_applications_api
    from jobs import views as jobs_views
    from matching import api as matching_api
    from matching import (
        plan_views,  # noqa: F401  (its routes are on matching.views.bp)
        planning_views,
    )
    from matching import views as matching_views
    from monitoring import api as monitoring_api
    from monitoring import (
        file_api,
        household_views,  # noqa: F401  (its routes are on monitoring.views.bp)
    )
    from monitoring import views as monitoring_views
    from registry import api as registry_api
    from registry import (
        area_views,  # noqa: F401  (its routes are on registry.views.bp)
        corrections_api,
        exemplar_api,
        exemplar_views,  # noqa: F401  (those who show the way: on registry.views.bp)
    )
    from registry import me_api as my_record_api
    from registry import me_views as my_record_views  # noqa: F401  (a worker's own pages: on registry.views.bp)
    from registry import views as registry_views
    from training import api as training_api
    from training import print_views, provider_views, station_views
    from training import views as training_views

    for bp in (*registry_api.blueprints, *corrections_api.blueprints, *jobs_api.blueprints,
               *public_api.blueprints,
               *training_api.blueprints, *matching_api.blueprints, *monitoring_api.blueprints,
               *file_api.blueprints, *my_record_api.blueprints, *my_applications_api.blueprints,
               *subsidy_api.blueprints, *complaint_api.blueprints, *certificate_api.blueprints,
               *exemplar_api.blueprints):
        api.register_blueprint(bp)
        csrf.exempt(bp)  # bearer tokens, not cookies: nothing for a forged form to ride on
    for bp in (home.bp, registry_views.bp, jobs_views.bp, training_views.bp, provider_views.bp, print_views.bp,
               station_views.bp, matching_views.bp, planning_views.bp, monitoring_views.bp):
        app.register_blueprint(bp)


def register_commands(app: Flask) -> None:
    from application.cli import demo
    from jobs.cli import register as register_jobs
    from monitoring.cli import register as register_monitoring
    from registry.cli import register as register_registry

    app.cli.add_command(demo)
    register_registry(app)
    register_jobs(app)
    register_monitoring(app)


def connect_signals() -> None:
    """A staff correction of a skill's meaning (registry) re-points the postings (jobs) and the
    courses (training) of the county that wrote the same text. Recorded incomes (registry) raise
    their warnings at once (monitoring)."""
    from jobs.services import repoint_postings
    from monitoring.alerts import warn_on_incomes
    from registry.corrections import skill_corrected
    from registry.incomes import income_recorded
    from training.services import repoint_courses

    skill_corrected.connect(repoint_postings)
    skill_corrected.connect(repoint_courses)
    income_recorded.connect(warn_on_incomes)
