"""The attacks of the security review, scripted: each test repeats one and expects nothing to give.
The jobs tests' builders (employers and postings) serve here too."""
from tests.jobs.conftest import make_employer, make_job  # noqa: F401  (fixtures, found by name)
