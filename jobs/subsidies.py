"""Employers' subsidies (issue 18): for hiring someone of a monitored or lifted-out household once
the hire has lasted the county's months, and per month of on-the-job training (以工代训) of one
trainee; written by a scheduled task, exactly once each. And the skills learnt on the job,
recorded once a trainee has been in the job for the posting's training months.

Plain functions taking a session; they flush, the caller commits."""
from datetime import date

from sqlalchemy.orm import Session


def write_employer_subsidies(session: Session, today: date) -> dict:
    """TODO(issue 18, subsidies helper): write the lines due by `today`, each once."""
    return {"hiring": 0, "on the job": 0}


def record_on_the_job_skills(session: Session, today: date) -> int:
    """TODO(issue 18, subsidies helper): record the skills of trainees whose months have passed."""
    return 0
