"""The permission matrix: for every page, API operation and admin view, which roles may reach it, and whether a
unit role reaches only its own unit's records. One place, read by the middleware (pages) and by the test that
requests every route as every role over the demo county (taizhang/web/tests/test_permission_matrix.py).

"Reach" is the door, not every action behind it: a role that reaches a problem's page may still be refused a
step by the actions (the transition table, the role and unit checks in each `do_*`), and every record is
fetched through an `access_*` helper that applies the unit relation. A route without an entry fails the test."""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.accounts.models import Role

ANONYMOUS = "anonymous"

ALL_STAFF = frozenset(Role.values)
EVERYONE = frozenset({ANONYMOUS, *Role.values})
UNIT = frozenset({Role.UNIT_OFFICER, Role.UNIT_HEAD})
BUREAU = frozenset({Role.COORDINATOR, Role.INSPECTOR, Role.LEADER, Role.DISCIPLINE, Role.ADMIN})
TRIAGE = frozenset({Role.COORDINATOR, Role.ADMIN})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    # Unit roles reach only their own unit's records (the lead or a co-unit of a problem, the addressee of a
    # document or an instruction); another unit's id is a 404, as if it did not exist.
    own_unit: bool = False
    # Set where one person among those roles reaches it: the verifier named for a closure, a job's uploader.
    person: str = ""
    # A redirect to the login page is this route's own answer (logging out, the second-factor steps).
    ends_at_login: bool = False
    # Past the door, each view of the route decides for itself (the admin's per-model permissions).
    inner_checks: bool = False
    why: str = ""


def page_key(name: str, pattern: str) -> str:
    return name or pattern


def api_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def own(*roles: frozenset[str] | str, why: str = "") -> Rule:
    return Rule(_roles(roles), own_unit=True, why=why)


def only(*roles: frozenset[str] | str, why: str = "") -> Rule:
    return Rule(_roles(roles), why=why)


def person(who: str, *roles: frozenset[str] | str) -> Rule:
    return Rule(_roles(roles), person=who)


def _roles(parts: tuple[frozenset[str] | str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for part in parts:
        out |= {part} if isinstance(part, str) else set(part)
    return frozenset(out)


PUBLIC = only(EVERYONE)
# Every staff role: pages that show each user only what their role and unit may see (the ledger, the 驾驶舱, 待办).
STAFF = only(ALL_STAFF)
# A problem and what hangs on it: the bureau-wide roles, and the units it was given to (lead or co-unit).
PROBLEM = own(BUREAU, UNIT)
REVIEWERS = frozenset({Role.COORDINATOR, Role.LEADER})  # 督办文书审批 (supervision.actions.REVIEWERS)
READS_OPINIONS = frozenset({Role.COORDINATOR, Role.INSPECTOR, Role.LEADER, Role.DISCIPLINE, Role.ADMIN})
ACCOUNTABILITY = frozenset({Role.COORDINATOR, Role.LEADER, Role.DISCIPLINE, Role.ADMIN})
SUBSCRIBERS = frozenset({Role.COORDINATOR, Role.LEADER, Role.DISCIPLINE})
REPORTS = frozenset({Role.COORDINATOR, Role.LEADER, Role.ADMIN})
DISCLOSURE_READERS = frozenset({Role.COORDINATOR, Role.LEADER})
# Mid-login pages (the second factor): without a pending login every caller is sent to the login page.
MID_LOGIN = Rule(EVERYONE, ends_at_login=True, why="without a pending login every caller goes back to the login page")
ACTION_DECIDES = "the action refuses anyone else with a message on the page it redirects to"

# Pages, by URL name.
PAGES: dict[str, Rule] = {
    # public face
    "home": PUBLIC,  # the staff home, or the login page
    "login": PUBLIC,
    "logout": Rule(EVERYONE, ends_at_login=True, why="ends whatever session there is, then the login page"),
    "login_code": MID_LOGIN,
    "login_enrol": MID_LOGIN,
    "set_language": PUBLIC,
    "public_submit": PUBLIC,
    "track": PUBLIC,
    "public_rate": PUBLIC,
    "public_survey": PUBLIC,
    "survey_invite": PUBLIC,
    "disclosure_list": PUBLIC,
    "disclosure_feed": PUBLIC,
    "disclosure_detail": PUBLIC,
    "disclosure_item": PUBLIC,
    "open311_services": PUBLIC,
    "open311_requests": PUBLIC,
    "open311_request": PUBLIC,
    "openapi-json": PUBLIC,
    "openapi-view": PUBLIC,
    "api-root": only(NOBODY, why="404 in JSON for every caller"),
    "unknown-path": only(NOBODY, why="404 in JSON for every caller"),
    # every staff member
    "todo": STAFF,
    "password_change": STAFF,
    "recovery_codes": STAFF,
    "ledger": STAFF,
    "ledger_export": STAFF,
    "ledger_print": STAFF,
    "dashboard": STAFF,
    "dashboard_xlsx": STAFF,
    "supervision_index": STAFF,
    "supervision_inbox": STAFF,
    "supervision_calendar": STAFF,  # everyone reads the calendar; only the administrator saves it
    "supervision_instructions": STAFF,
    "assessment_index": STAFF,
    "assessment_ranking": STAFF,  # a unit sees its own row only (assessment.access.access_ranking_rows)
    "assessment_ranking_xlsx": STAFF,
    "assessment_published": STAFF,
    # a problem and its records
    "problem_detail": PROBLEM,
    "problem_step": own(BUREAU, UNIT, why="each step's own rule is the action's (transitions, role, unit)"),
    "attachment_download": PROBLEM,
    "supervision_document": PROBLEM,
    "supervision_document_docx": PROBLEM,
    "supervision_document_pdf": PROBLEM,
    "supervision_document_print": PROBLEM,
    "supervision_document_sign": own(BUREAU, UNIT, why="the addressed unit signs; " + ACTION_DECIDES),
    "supervision_document_review": only(REVIEWERS),
    "supervision_document_reply": own(UNIT),
    "supervision_extension_request": own(UNIT),
    "supervision_extension_decide": only(TRIAGE),
    "supervision_instruction_give": only(Role.LEADER),
    "supervision_instruction_reply": own(UNIT),
    "supervision_instruction": PROBLEM,
    "supervision_unit_instruction": only(Role.LEADER),
    # the coordinators' desk
    "opinion_new": only(TRIAGE),
    "opinion_import": only(TRIAGE),
    "opinion_import_template": only(TRIAGE),
    "triage_inbox": only(TRIAGE),
    "triage_opinion": only(TRIAGE),
    "triage_batch": only(TRIAGE),
    "triage_batch_confirm": only(TRIAGE),
    "opinion_detail": only(READS_OPINIONS),
    "opinion_unmask": only(Role.DISCIPLINE, why="the reporter of a 举报 is shown to the 纪检组 alone"),
    "public_opinion_photo": only(READS_OPINIONS),
    "public_posters": only(TRIAGE),
    "public_poster_print": only(TRIAGE),
    "public_poster_file": only(TRIAGE),
    "followup_callbacks": only(TRIAGE),
    "followup_record_call": only(TRIAGE),
    "followup_review": only(TRIAGE),
    "import_home": only(TRIAGE),
    "import_job": person("the uploader", TRIAGE),
    "supervision_subscriptions": only(SUBSCRIBERS),
    "supervision_accountability": only(ACCOUNTABILITY),
    "disclosure_manage": only(DISCLOSURE_READERS),
    "disclosure_manage_batch": only(DISCLOSURE_READERS),
    "disclosure_preview": only(DISCLOSURE_READERS),
    "disclosure_redact": only(DISCLOSURE_READERS, why="a leader reads; only a coordinator redacts (the action)"),
    "disclosure_publish": only(Role.COORDINATOR),
    "disclosure_withdraw": only(Role.COORDINATOR),
    "disclosure_objection": only(Role.COORDINATOR),
    "assessment_scheme_new": only(TRIAGE),
    "assessment_scheme_edit": only(TRIAGE),
    "assessment_publish": only(TRIAGE),
    "assessment_survey_new": only(TRIAGE),
    "assessment_survey": only(TRIAGE),
    "assessment_survey_raters": only(TRIAGE),
    "assessment_survey_close": only(TRIAGE),
    "reports_index": only(REPORTS),
    "reports_generate": only(TRIAGE),
    "reports_download": only(REPORTS),
}

V1 = "/api/v1"
# API operations under /api/v1/, by method and path.
API: dict[str, Rule] = {
    # public
    f"POST {V1}/public/opinions": PUBLIC,
    f"GET {V1}/public/track/{{code}}": PUBLIC,
    f"POST {V1}/public/track/{{code}}/rating": PUBLIC,
    f"GET {V1}/public/disclosures": PUBLIC,
    # every staff member (lists scoped to what each may see)
    f"GET {V1}/opinions": STAFF,
    f"GET {V1}/problems": STAFF,
    f"GET {V1}/supervision/actions": STAFF,
    f"GET {V1}/supervision/instructions": STAFF,
    f"GET {V1}/todo": STAFF,
    f"GET {V1}/notifications": STAFF,
    f"POST {V1}/notifications/read": STAFF,
    f"POST {V1}/notifications/{{notification_id}}/read": person("the recipient", ALL_STAFF),
    f"GET {V1}/units": STAFF,
    f"GET {V1}/users": STAFF,
    f"GET {V1}/categories": STAFF,
    f"GET {V1}/dashboard": STAFF,
    f"GET {V1}/assessment/schemes": STAFF,
    f"GET {V1}/assessment/rankings": STAFF,
    # opinions and triage
    f"POST {V1}/opinions": only(TRIAGE),
    f"GET {V1}/opinions/{{opinion_id}}": only(READS_OPINIONS),
    f"POST {V1}/opinions/{{opinion_id}}/create-problem": only(TRIAGE),
    f"POST {V1}/opinions/{{opinion_id}}/split": only(TRIAGE),
    f"POST {V1}/opinions/{{opinion_id}}/link": only(TRIAGE),
    f"POST {V1}/opinions/{{opinion_id}}/dismiss": only(TRIAGE),
    f"GET {V1}/triage/opinions/{{opinion_id}}/suggestion": only(TRIAGE),
    # a problem
    f"GET {V1}/problems/{{problem_id}}": PROBLEM,
    f"GET {V1}/problems/attachments/{{attachment_id}}": PROBLEM,
    f"POST {V1}/problems/{{problem_id}}/assign": only(TRIAGE),
    f"POST {V1}/problems/{{problem_id}}/sign": own(UNIT),
    f"POST {V1}/problems/{{problem_id}}/return": own(UNIT),
    f"POST {V1}/problems/{{problem_id}}/plan": own(UNIT),
    f"POST {V1}/problems/{{problem_id}}/progress": own(UNIT),
    f"POST {V1}/problems/{{problem_id}}/milestones/{{milestone_id}}/done": own(UNIT),
    f"POST {V1}/problems/{{problem_id}}/apply-closure": own(UNIT),
    f"POST {V1}/problems/{{problem_id}}/approve-closure": own(Role.UNIT_HEAD),
    f"POST {V1}/problems/{{problem_id}}/verifier": only(Role.COORDINATOR),
    f"POST {V1}/problems/{{problem_id}}/decide-closure": person("the verifier named for the closure", Role.INSPECTOR),
    f"POST {V1}/problems/{{problem_id}}/reopen": only(TRIAGE),
    # supervision
    f"POST {V1}/supervision/actions/{{action_id}}/sign": own(UNIT),
    f"POST {V1}/supervision/actions/{{action_id}}/review": only(REVIEWERS),
    f"POST {V1}/supervision/actions/{{action_id}}/reply": own(UNIT),
    f"GET {V1}/supervision/problems/{{problem_id}}/light": PROBLEM,
    f"POST {V1}/supervision/problems/{{problem_id}}/extensions": own(UNIT),
    f"POST {V1}/supervision/extensions/{{extension_id}}/decide": only(TRIAGE),
    f"GET {V1}/supervision/problems/{{problem_id}}/instructions": PROBLEM,
    f"POST {V1}/supervision/problems/{{problem_id}}/instructions": only(Role.LEADER),
    f"GET {V1}/supervision/units/{{unit_id}}/instructions": own(BUREAU, UNIT),
    f"POST {V1}/supervision/units/{{unit_id}}/instructions": only(Role.LEADER),
    f"POST {V1}/supervision/instructions/{{instruction_id}}/reply": own(UNIT),
    # imports
    f"POST {V1}/imports": only(TRIAGE),
    f"GET {V1}/imports/{{job_id}}": person("the uploader", TRIAGE),
    f"POST {V1}/imports/{{job_id}}/commit": person("the uploader", TRIAGE),
    f"POST {V1}/imports/{{job_id}}/cancel": person("the uploader", TRIAGE),
}

# Every view of Django's admin (系统管理): the three administrators (三权分立) and no one else; which models each
# of them sees and changes is the admin's own per-model permissions (taizhang.accounts.admin and each app's admin).
ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
ADMIN = Rule(ADMINISTRATORS, inner_checks=True)
ADMIN_DOORS = {
    "admin:login": Rule(EVERYONE, why="the admin's login page"),
    "admin:logout": Rule(EVERYONE, ends_at_login=True),
}


def rule_for(key: str) -> Rule | None:
    if key.startswith("admin:"):
        return ADMIN_DOORS.get(key, ADMIN)
    return PAGES.get(key) or API.get(key)
