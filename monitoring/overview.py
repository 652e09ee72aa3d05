"""Return-to-poverty monitoring in figures: the county overview (households by status and risk
type, under the line, identified and eliminated this year), the household list's columns, and
the monthly roster (.xlsx with Chinese headers)."""
from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from core import audit
from core.models import User, china_today
from core.spreadsheets import Spreadsheet
from monitoring.models import OPEN_ALERT, Alert
from registry import services as registry_services
from registry.models import Household, MonitoringEvent, MonitoringEventKind, MonitoringStatus, RiskType


@dataclass(frozen=True)
class Standing:
    """What a household list shows of a household beside the registry's columns."""
    per_capita: float | None = None
    line: int | None = None
    year: int | None = None
    open_alerts: int = 0

    @property
    def below_line(self) -> bool:
        return self.per_capita is not None and self.line is not None and self.per_capita < self.line


def standings(session: Session, households: list[Household]) -> dict[int, Standing]:
    """Per household of the list: its latest per-capita income against the line, and its open alerts."""
    ids = [h.id for h in households]
    if not ids:
        return {}
    where = [Household.id.in_(ids)]
    incomes = {f.household_id: f for f in registry_services.latest_years(session, where)}
    alerts = dict(session.execute(select(Alert.household_id, func.count(Alert.id))
                                  .where(Alert.household_id.in_(ids), Alert.status.in_(OPEN_ALERT))
                                  .group_by(Alert.household_id)).all())
    return {i: Standing(incomes[i].per_capita if i in incomes else None, incomes[i].line if i in incomes else None,
                        incomes[i].year if i in incomes else None, alerts.get(i, 0)) for i in ids}


def overview(session: Session, actor: User, area_code: str | None = None) -> dict:
    """Monitored households by status, by risk type and by both; households under the line;
    households identified and risks eliminated this (calendar) year."""
    where = registry_services.households_in(actor, area_code)
    rows = session.execute(select(Household.monitoring_status, Household.risk_types)
                           .where(*where, Household.monitoring_status != MonitoringStatus.none)).all()
    by_status = Counter(status.name for status, _risks in rows)
    by_risk, grid = Counter(), Counter()
    for status, risks in rows:
        for risk in risks or []:
            by_risk[risk] += 1
            grid[status.name, risk] += 1
    year = china_today().year

    def households_with(kind: MonitoringEventKind) -> int:
        return session.scalar(select(func.count(func.distinct(MonitoringEvent.household_id))).join(Household)
                              .where(*where, MonitoringEvent.kind == kind,
                                     extract("year", MonitoringEvent.day) == year)) or 0

    monitored = [s for s in MonitoringStatus if s is not MonitoringStatus.none]
    return {
        "year": year,
        "monitored": len(rows),
        "by_status": {s.name: by_status.get(s.name, 0) for s in monitored},
        "by_risk_type": {r.name: by_risk.get(r.name, 0) for r in RiskType},
        "by_status_and_risk_type": {s.name: {r.name: grid.get((s.name, r.name), 0) for r in RiskType}
                                    for s in monitored},
        "below_line": len(registry_services.below_line_ids(session, where)),
        "identified_this_year": households_with(MonitoringEventKind.identified),
        "eliminated_this_year": households_with(MonitoringEventKind.eliminated),
    }


ROSTER_HEADER = ["户编号", "乡镇", "村", "户主", "人口", "监测类型", "风险类型", "纳入监测日期", "收入年度",
                 "人均纯收入（元）", "监测线（元）", "低于监测线", "务工人数", "帮扶责任人", "未处理预警",
                 "风险消除日期"]


def roster(session: Session, actor: User, area_code: str | None = None,
           monitored: bool | None = None) -> tuple[io.BytesIO, str]:
    """The monthly roster of the households in an area (monitored ones only, when asked): one row
    per household, Chinese headers. Names of heads of household are in it: the export is audited."""
    conditions = registry_services.households_in(actor, area_code)
    if monitored:
        conditions.append(Household.monitoring_status != MonitoringStatus.none)
    households = list(session.scalars(select(Household).where(*conditions)
                                      .order_by(Household.village_code, Household.code)))
    found = standings(session, households)
    book = Spreadsheet()
    sheet = book.sheet("监测户花名册" if monitored else "农户花名册", ROSTER_HEADER)
    for h in households:
        standing = found[h.id]
        sheet.append([
            h.code, h.village.parent.name if h.village.parent else "", h.village.name, h.head_name or "",
            h.member_count, h.monitoring_status.zh, "、".join(RiskType[r].zh for r in h.risk_types or []
                                                             if r in RiskType.__members__),
            h.monitoring_since.isoformat() if h.monitoring_since else "", standing.year,
            round(standing.per_capita) if standing.per_capita is not None else None, standing.line,
            ("是" if standing.below_line else "否") if standing.per_capita is not None and standing.line else "",
            h.employed_count, h.helper_label or "", standing.open_alerts,
            h.risk_eliminated_on.isoformat() if h.risk_eliminated_on else "",
        ])
    audit.record(actor, "export", "households", area_code, fields=["head_name"], detail=f"{len(households)} households",
                 area_code=audit.area_of_request(actor, area_code))
    kind = "监测户花名册" if monitored else "农户花名册"
    return book.save(), f"{kind}-{area_code or '全部'}-{china_today().isoformat()}.xlsx"
