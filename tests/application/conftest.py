"""The jobs tests' builders serve the wiring tests too."""
from tests.jobs.conftest import make_employer, make_job  # noqa: F401  (fixtures, found by name)
