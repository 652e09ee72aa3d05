"""Blank ledgers to fill in and import: the import's Chinese headers, an example row, a drop-down
list on every coded column and a sheet that says what each column takes.

The example row's code begins with 示例 ("example"): the import passes over such rows, so a
template filled in below its example imports as it is."""
from __future__ import annotations

import io

from sqlalchemy.orm import Session

from core.models import User, china_today
from core.spreadsheets import Spreadsheet
from registry.areas import areas_in_scope
from registry.importers import EXAMPLE_MARK, HOUSEHOLD_COLUMNS, INCOME_COLUMNS, WORKER_COLUMNS
from registry.models import (
    AreaLevel,
    Education,
    EmploymentStatus,
    Health,
    LabourAbility,
    MonitoringStatus,
    Relation,
    RiskType,
    SchoolStage,
)

YES_NO = ["是", "否"]
CODED = {  # a column's allowed values, as the drop-down offers them
    "relation": [m.zh for m in Relation], "education": [m.zh for m in Education],
    "school_stage": [m.zh for m in SchoolStage], "health": [m.zh for m in Health],
    "labour_ability": [m.zh for m in LabourAbility], "employment_status": [m.zh for m in EmploymentStatus],
    "monitoring_status": [m.zh for m in MonitoringStatus],
    "willing_to_migrate": YES_NO, "needs_flexible_hours": YES_NO, "lifted_out": YES_NO, "relocated": YES_NO,
}
NOTES = {  # what a column takes, for the instructions sheet (columns not listed: free text)
    "household_code": "户编号，须是已登记的农户（可先导入农户表）",
    "code": "户编号，本站自定，如 团结村-001；同一编号再次导入即更新",
    "id_number": "18位居民身份证号，出生日期和性别从中读取",
    "phone": "11位手机号，可空",
    "skills": "会的手艺，按平时说法填写，多个用顿号隔开：电焊、开叉车",
    "desired_occupations": "想干的工作，多个用顿号隔开",
    "expected_wage": "期望月工资（元），整数", "max_commute_km": "最远能接受的通勤距离（公里），整数",
    "lat": "家庭住址纬度，一般不填（按村定位）", "lon": "家庭住址经度，一般不填（按村定位）",
    "village_code": "12位村代码（见下方本站的村）",
    "risk_types": "多个用顿号隔开，可填：" + "、".join(m.zh for m in RiskType),
    "monitoring_since": "已纳入监测的户填纳入日期，如 2024-03-01；今天纳入的不填",
    "resettlement_area_code": "安置点所在的乡镇或村的12位代码，可空",
    "year": "收入年度，如 2026", "business_costs": "生产经营性支出（元），整数",
}
EXAMPLES = {
    "workers": {"household_code": "示例-0001", "name": "马成", "id_number": "640422199001010017",
                "phone": "13800000000", "relation": "户主", "education": "初中", "school_stage": "非在校生",
                "health": "健康", "labour_ability": "有劳动能力", "employment_status": "未就业",
                "skills": "电焊、开叉车", "expected_wage": 4000, "max_commute_km": 30, "willing_to_migrate": "否",
                "needs_flexible_hours": "否", "desired_occupations": "焊工"},
    "households": {"code": "示例-0001", "monitoring_status": "边缘易致贫户", "lifted_out": "是",
                   "relocated": "否", "helper_name": "王书记", "address": "团结村三组",
                   "monitoring_since": "2024-03-01", "risk_types": "因病、缺技术"},
    "incomes": {"household_code": "示例-0001", "year": 2026, "wage_income": 36000, "business_income": 5000,
                "property_income": 0, "transfer_income": 3600, "business_costs": 2000},
}
COLUMNS = {"workers": WORKER_COLUMNS, "households": HOUSEHOLD_COLUMNS, "incomes": INCOME_COLUMNS}
TITLES = {"workers": "劳动力", "households": "农户", "incomes": "农户收入"}


def import_template(session: Session, kind: str, actor: User) -> tuple[io.BytesIO, str]:
    """The blank ledger of `kind` (workers, households, incomes) and its Chinese file name."""
    columns = COLUMNS[kind]
    villages = areas_in_scope(session, actor, AreaLevel.village, limit=300)
    example = dict(EXAMPLES[kind])
    if kind == "households":
        example["village_code"] = villages[0].code if villages else "640422100200"
    book = Spreadsheet()
    sheet = book.sheet(TITLES[kind], [zh for _name, zh in columns])
    sheet.append([example.get(name) for name, _zh in columns])
    for index, (name, _zh) in enumerate(columns):
        if name in CODED:
            sheet.choices(index, CODED[name])
    notes = book.sheet("填写说明", ["列名", "填写说明"])
    notes.append(["（第2行）", f"示例行：户编号以“{EXAMPLE_MARK}”开头的行导入时略过，可保留或删除"])
    for name, zh in columns:
        notes.append([zh, NOTES.get(name) or ("可填：" + "、".join(CODED[name]) if name in CODED else "")])
    if kind == "households" and villages:
        notes.append([])
        notes.append(["本站的村", "村代码"])
        for village in villages:
            notes.append([village.full_name, village.code])
    return book.save(), f"{TITLES[kind]}导入模板-{china_today().isoformat()}.xlsx"
