"""What the allocation plan's pages (matching/plan_views.py) ask besides the plan itself: the
areas one may plan, the pairs of a plan already referred, the plan as a workbook, and the data
of the referral slips (介绍信) the people referred carry to the employer.

The workbook holds names of people only, never ID numbers or phones; the slips show the ID
number masked (the template says so)."""
from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.models import User, china_today
from core.spreadsheets import Spreadsheet
from jobs.models import Job, Referral
from jobs.services import get_referral, may_see_contact
from matching.services import Plan
from registry.models import Area, AreaLevel
from registry.services import areas_in_scope

PAIRS_AT_ONCE = 500  # people looked up in one IN (...) when checking a plan's pairs


def plannable_areas(session: Session, actor: User, limit: int) -> list[Area]:
    """The areas the user may plan for: counties, townships and villages inside their areas, in
    code order (an administrator: every one), at most `limit`."""
    return areas_in_scope(session, actor, AreaLevel.county, AreaLevel.township, AreaLevel.village, limit=limit)


def referred_pairs(session: Session, plan: Plan) -> set[tuple[int, int]]:
    """(worker id, job id) pairs of the plan the person was already put forward for (a referral
    would be refused)."""
    planned = {(a.worker_id, a.job_id) for a in plan.assignments}
    workers = sorted({w for w, _j in planned})
    found = set()
    for start in range(0, len(workers), PAIRS_AT_ONCE):
        found |= set(session.execute(select(Referral.worker_id, Referral.job_id)
                                     .where(Referral.worker_id.in_(workers[start:start + PAIRS_AT_ONCE]))).all())
    return {(int(w), int(j)) for w, j in found} & planned


def _wage(job: Job) -> str:
    if job.wage_min is None and job.wage_max is None:
        return "面议"
    low, high = job.wage_min, job.wage_max
    amount = str(low if high is None else high if low is None or low == high else f"{low}-{high}")
    return f"{amount} {job.wage_unit.unit}"


def plan_workbook(plan: Plan, actor: User) -> io.BytesIO:
    """The plan (made with its objects) as a workbook: names only, no ID numbers, no phones. The
    export is audited; the caller commits."""
    book = Spreadsheet()
    sheet = book.sheet("分配方案", ["户编号", "村", "监测类型", "姓名", "岗位", "用工单位", "工作地点", "工资",
                                "匹配度（%）"])
    for a in plan.assignments:
        household, job = a.worker.household, a.job
        sheet.append([household.code, household.village.name, household.monitoring_status.zh, a.worker.name,
                      job.title, job.employer.name, job.address or job.employer.address or "", _wage(job),
                      round(a.score * 100)])
    book.sheet("汇总", ["地区", "地区代码", "无人就业且有人求职的户数", "有人被安排的户数", "安排人数", "生成日期"]).append(
        [plan.area.full_name, plan.area.code, plan.households_total, plan.households_covered,
         len(plan.assignments), china_today().isoformat()])
    audit.record(actor, "export", "allocation", plan.area.code, detail=f"{len(plan.assignments)} assignments",
                 area_code=plan.area.code)
    return book.save()


def referral_slips(session: Session, referral_ids: list[int], actor: User) -> list[dict]:
    """One slip a referral, in the order asked: the referral, whom, to which posting and employer,
    whether the employer's contact may be shown, the area of the place of work, and who referred.
    Every referral is checked like its own page (jobs.referral_lifecycle.get_referral): one of
    another station's is not found."""
    referrals = [get_referral(session, referral_id, actor) for referral_id in referral_ids]
    codes = {r.job.area_code or r.job.employer.area_code for r in referrals} - {None}
    areas = {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(codes)))} if codes else {}
    slips = []
    for r in referrals:
        job, employer = r.job, r.job.employer
        slips.append({
            "referral": r, "worker": r.worker, "job": job, "employer": employer,
            "contact": may_see_contact(actor, employer),
            "area": areas.get(job.area_code or employer.area_code),
            "station": (r.referred_by.display_name or r.referred_by.username) if r.referred_by else "",
        })
    return slips
