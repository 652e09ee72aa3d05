"""TODO(issue 18): certificate pages. Same blueprint as jobs/views.py."""
from jobs.views import bp  # noqa: F401
