"""TODO(issue 18): complaint pages. Same blueprint as jobs/views.py."""
from jobs.views import bp  # noqa: F401
