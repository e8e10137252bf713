"""The configuration a new installation starts with: 三制五单 ladder, time-limit rules and form wording.

Used by the data migration and by tests that flush the database. Administrators change all of it later.
"""

from __future__ import annotations

from typing import Any

# (code, name, level, trigger, N, form kind, red)
DEFAULT_RUNGS: list[tuple[str, str, int, str, int, str, bool]] = [
    ("forecast", "问题预报", 0, "on_assign", 0, "forecast", False),
    ("reminder", "到期提醒", 0, "before_deadline", 2, "", False),
    ("sign_reminder", "签收超时提醒", 0, "sign_overdue", 1, "", False),
    ("plan_reminder", "整改方案超时提醒", 0, "plan_overdue", 1, "", False),
    ("periodic_report", "定期报告提醒", 0, "periodic_report", 0, "", False),
    ("supervision_notice", "督办", 1, "after_deadline", 1, "supervision_notice", True),
    ("criticism", "通报批评", 2, "after_deadline", 5, "criticism", True),
    ("org_adjustment", "组织调整建议", 3, "after_deadline", 10, "org_adjustment", True),
    ("solved_report", "解决问题报告", 0, "on_close", 0, "solved_report", False),
    ("rectification_notice", "整改通知", 0, "unit_backlog", 5, "rectification_notice", True),
]

# (kind or "" for any, sign, plan, rectify, report every N days, warn, max extensions, max extension days)
DEFAULT_RULES: list[tuple[str, int, int, int, int, int, int, int]] = [
    ("", 1, 3, 7, 0, 3, 2, 15),
    ("immediate", 1, 1, 7, 0, 2, 1, 5),
    ("time_limited", 1, 3, 15, 0, 3, 2, 15),
    ("long_term", 1, 5, 60, 30, 5, 3, 30),
]

HEADER = "青溪县教育局督查督办"
ISSUER = "青溪县教育局作风建设领导小组办公室"

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "forecast": {
        "number_prefix": "青教预",
        "title": "问题预报单",
        "body": "经梳理，现将以下问题预报你单位，请按要求抓紧整改。\n"
        "问题编号：{问题编号}\n问题摘要：{问题摘要}\n整改措施：{整改措施}\n责任人：{责任人}\n"
        "整改时限：{整改时限}\n请于{签收时限}前签收，并按路线图按期报告整改进展。",
    },
    "solved_report": {
        "number_prefix": "青教报",
        "title": "解决问题报告单",
        "body": "{责任单位}承办的{问题编号}“{问题摘要}”已整改完成，于{销号日期}通过验收，予以销号。\n"
        "整改措施：{整改措施}\n特此报告。",
    },
    "supervision_notice": {
        "number_prefix": "青教督",
        "title": "问题整改督办单",
        "body": "你单位承办的{问题编号}“{问题摘要}”，整改时限为{整改时限}，截至{督办日期}已超期{超期工作日}个"
        "工作日仍未销号。根据问题整改督办制度，现予督办，请于{回复时限}前将整改情况书面报送活动办公室。"
        "逾期仍未整改的，将予以通报批评。",
    },
    "criticism": {
        "number_prefix": "青教通",
        "title": "问题通报批评单",
        "body": "{责任单位}承办的{问题编号}“{问题摘要}”，经督办后截至{督办日期}仍超期{超期工作日}个工作日未完成"
        "整改，整改工作落实不力。经研究，对{责任单位}予以通报批评，请于{回复时限}前完成整改并报送书面检查。",
    },
    "org_adjustment": {
        "number_prefix": "青教组",
        "title": "组织调整建议单",
        "body": "{责任单位}承办的{问题编号}“{问题摘要}”，经督办、通报批评后截至{督办日期}仍超期{超期工作日}个"
        "工作日未完成整改。根据问题整改责任追究有关规定，建议对该单位主要负责人和分管领导作出组织调整，"
        "请按干部管理权限和程序办理。",
    },
    "rectification_notice": {
        "number_prefix": "青教改",
        "title": "整改通知单",
        "body": "截至{督办日期}，你单位有{超期问题数}个问题超过整改时限未销号：\n{问题清单}\n"
        "请对照问题清单逐项整改，于{回复时限}前将整改情况报送活动办公室。",
    },
}


def install_defaults(apps: Any = None) -> None:
    """Create whatever default rows are missing (a migration passes its historical `apps`)."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    rung_model = apps.get_model("supervision", "Rung")
    rule_model = apps.get_model("supervision", "TimeLimitRule")
    template_model = apps.get_model("supervision", "FormTemplate")
    for code, name, level, trigger, offset, form_kind, red in DEFAULT_RUNGS:
        rung_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "trigger": trigger,
                "offset_workdays": offset,
                "form_kind": form_kind,
                "is_red": red,
            },
        )
    for kind, sign, plan, rectify, every, warn, max_ext, max_days in DEFAULT_RULES:
        rule_model.objects.get_or_create(
            category=None,
            kind=kind,
            defaults={
                "sign_workdays": sign,
                "plan_workdays": plan,
                "rectify_workdays": rectify,
                "report_every_days": every,
                "warn_workdays": warn,
                "max_extensions": max_ext,
                "max_extension_workdays": max_days,
            },
        )
    for kind, values in DEFAULT_TEMPLATES.items():
        template_model.objects.get_or_create(kind=kind, defaults={**values, "header": HEADER, "issuer": ISSUER})
