"""The roles, and every group of them, each defined once with the permission it stands for.

Views, API handlers and services check `user.role in <group>` (or the `User` predicates built on these
groups, which templates use); object-level rules (areas, own employer, own record) apply on top.
"""
import enum


class Role(enum.Enum):
    admin = "admin"
    county = "county"
    station = "station"
    provider = "provider"
    employer = "employer"
    worker = "worker"


# staff of the labour administration: read the registry of their areas, plan and allocate, refer
# (past a broken rule, with a reason), correct records, see alerts and training demand
STAFF = frozenset({Role.admin, Role.county, Role.station})
# county officers: verify employers, mark public-welfare posts, add areas, read the audit log
OFFICERS = frozenset({Role.admin, Role.county})
# keep the registry: write workers and households, import them, take up alerts, renew public-welfare
# posts, record follow-ups
REGISTRY_KEEPERS = frozenset({Role.admin, Role.station})
# staff bound to areas: see and act only inside their areas (and need one), be a household's helper there
AREA_STAFF = frozenset({Role.county, Role.station})
# see every area without being bound to one
UNSCOPED = frozenset({Role.admin})
# publish and manage courses: a provider its own, officers any
COURSE_MANAGERS = frozenset({Role.provider} | OFFICERS)
# register employers and post, edit, close job postings: officers for any employer, an employer for its own
JOB_POSTERS = frozenset(OFFICERS | {Role.employer})
# take part in hiring (candidates, referrals and their answers, stable employment): staff for their
# areas, an employer for its own postings
HIRING = frozenset(STAFF | {Role.employer})
# make referrals, and withdraw their own just made: whoever hires, and a worker applying themself
REFERRAL_MAKERS = frozenset(HIRING | {Role.worker})
# open a worker's file (the record, recommendations, enrolments, training wishes): staff for the workers
# of their areas, a worker for themself
WORKER_FILE = frozenset(STAFF | {Role.worker})
# record how a hire is going at 1, 3 and 6 months: the station keeping the record, the employer of the hire
FOLLOW_UP_RECORDERS = frozenset(REGISTRY_KEEPERS | {Role.employer})
# read the training reports: the subsidy ledger and course outcomes (staff for their areas, a provider
# for its own courses) and demand by township (staff for their areas; a provider all of it, or the skills
# of its courses: counts of wishes, nobody named)
TRAINING_REPORT_READERS = frozenset(STAFF | {Role.provider})
# accounts a county officer makes and manages (the areas they are bound to inside its county);
# an administrator manages every account
COUNTY_MANAGED_ACCOUNTS = frozenset({Role.station, Role.provider, Role.employer})
