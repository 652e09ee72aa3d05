"""The hard rules of a person–posting pair, written once.

Each rule is a plain function of numbers, built only from comparisons and numpy's logical ufuncs,
so that one definition serves three readers: the matcher's engine calls it on whole arrays
(numpy broadcasts), the compiled kernel calls it on single values (numba compiles the same
function, inlined), and "why not this job?" and the referral checks call it on one pair's values
(jobs.eligibility). tests/matching/test_hard_rules.py holds the three equal, pair by pair.

Unknown values rule nobody out: a missing age bound is NaN (every comparison with it is False), an
unknown distance is NaN, and a posting whose required skills all failed to resolve asks nothing
that can be checked. A posting that trains on the job (以工代训: a mentor teaches the work for some
months) asks no skill of anyone before they start.
"""
from __future__ import annotations

import numpy as np

# Health codes (registry.models.Health order) and physical demand (jobs.models.PhysicalDemand order).
HEALTHY, CHRONIC, SERIOUS, DISABLED = 0, 1, 2, 3
LIGHT, MEDIUM, HEAVY = 0, 1, 2
DEFAULT_COMMUTE_KM = 20.0  # reach assumed for someone whose commute limit is unknown (no credit for it)
KM_PER_DEG_LAT = 110.57


def age_fits(age, min_age, max_age):
    """Within the posting's age range (a NaN bound is no bound)."""
    return np.logical_and(np.logical_not(age < min_age), np.logical_not(age > max_age))


def health_fits(health, demand):
    """Heavy work only for the healthy; medium work for anyone not seriously ill."""
    heavy_refused = np.logical_and(demand == HEAVY, health != HEALTHY)
    medium_refused = np.logical_and(demand == MEDIUM, health == SERIOUS)
    return np.logical_not(np.logical_or(heavy_refused, medium_refused))


def hours_fit(needs_flexible, offers_flexible):
    """Someone who must keep their hours free (a carer) only where the hours are flexible."""
    return np.logical_or(np.logical_not(needs_flexible), offers_flexible)


def posting_takes_people(listed, openings_left):
    """Open (not closed, not expired, its employer verified and without an open wage-arrears
    complaint: matching.data reads all of that into `listed`) with an opening left."""
    return np.logical_and(listed, openings_left > 0)


def may_hold_welfare_post(monitored_or_lifted_out, willing_to_migrate):
    """公益性岗位 are for people of monitored or lifted-out households who cannot leave home."""
    return np.logical_and(monitored_or_lifted_out, np.logical_not(willing_to_migrate))


def welfare_fits(public_welfare, may_hold_welfare_post):
    """Public-welfare posts only for people of monitored or lifted-out households staying home."""
    return np.logical_or(np.logical_not(public_welfare), may_hold_welfare_post)


def reach_fits(km, reach_km, willing_to_migrate, accommodation):
    """Within the person's commute, or away with a bed for someone willing to move (an unknown
    distance rules nobody out)."""
    return np.logical_or(np.logical_not(km > reach_km), np.logical_and(willing_to_migrate, accommodation))


def skills_fit(required, met, trains_on_job):
    """A posting that requires skills takes only people who meet at least one of them, fully or
    through the same occupational group (`met` counts those; `required` counts the resolved ones),
    unless it trains on the job (以工代训): there a mentor teaches what is missing, so it takes
    anyone otherwise eligible."""
    return np.logical_or(np.logical_or(required == 0, met > 0), trains_on_job)


RULES = ("posting", "age", "health", "hours", "welfare", "reach", "skills")  # the order why-not names them
