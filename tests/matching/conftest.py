"""The jobs tests' builders (employers and postings) serve the matcher's tests too."""
from tests.jobs.conftest import make_employer, make_job, refer  # noqa: F401  (fixtures, found by name)
