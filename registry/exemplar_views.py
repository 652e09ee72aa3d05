"""TODO(issue 18): exemplar pages. Same blueprint as registry/views.py."""
from registry.views import bp  # noqa: F401
