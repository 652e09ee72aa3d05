"""The jobs tests' builders (employers and postings) serve the registry's tests too (corrections re-resolve postings)."""
from tests.jobs.conftest import make_employer, make_job  # noqa: F401  (fixtures, found by name)
