"""The permission matrix (taizhang.web.matrix) is the truth about who reaches what, and every route obeys it.

One test finds every URL pattern and API operation and fails when one has no entry. The other loads the demo
county once and requests every route as every role (anonymous included): the answer must be reached (2xx, a
redirect that is not to a login page, or a refusal of the input: 400, 405, 409, 422) exactly for the roles the
matrix names, and refused (401, 403, 404, a login redirect) for the rest. Every route about one unit's record
is then asked by an officer of another unit, who must be refused."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import HttpResponseBase
from django.test import Client

from taizhang.accounts.models import Role, User
from taizhang.web.matrix import ANONYMOUS, rule_for
from taizhang.web.tests.routes import ROLES, County, Route, Target, all_routes, client_for, today_plus

REFUSED = "refused"
REACHED = "reached"
LOGIN_PAGES = ("/login/", "/admin/login/")


def test_every_route_has_an_entry_in_the_matrix() -> None:
    missing = sorted({route.key for route in all_routes() if rule_for(route.key) is None})
    assert not missing, "routes with no entry in taizhang.web.matrix:\n" + "\n".join(missing)


def answer_class(response: HttpResponseBase) -> str:
    status = response.status_code
    if status in (401, 403, 404):
        return REFUSED
    if status in (301, 302, 303) and response["Location"].startswith(LOGIN_PAGES):
        return REFUSED
    return REACHED


def test_every_route_answers_each_role_as_the_matrix_says(db: Any, settings: Any, caplog: Any) -> None:
    caplog.set_level(logging.CRITICAL, logger="django")  # a thousand refusals logged as warnings otherwise
    call_command("load_demo", scale=0.05, stdout=io.StringIO())
    county = County()
    targets = Targets(county)
    clients: dict[int | None, Client] = {}
    mismatches: list[str] = []
    observed: dict[str, dict[str, str]] = {}
    for route in all_routes():
        target = targets.for_route(route)
        if target is None:
            mismatches.append(f"{route.key}: no record to ask about (Targets)")
            continue
        rule = rule_for(route.key)
        for role in ROLES:
            user = county.user(role, target.unit_id)
            assert user is not None or role == ANONYMOUS, (role, target.unit_id)
            key = user.pk if user is not None else None
            # logging out ends the session it is asked in; the other routes share one client per user
            client = client_for(user) if "logout" in route.key else clients.setdefault(key, client_for(user))
            response = request(client, route, target)
            got = answer_class(response)
            observed.setdefault(route.key, {})[role] = got
            if rule is None:
                continue
            if rule.ends_at_login and response.status_code in (200, 302) and got == REFUSED:
                got = REACHED
            if rule.inner_checks and role in rule.roles:
                continue  # past the door each view decides; only that it answered is checked
            allowed = role in rule.roles and (not rule.person or user == target.person)
            expected = REACHED if allowed else REFUSED
            if got != expected:
                mismatches.append(f"{route.key} as {role} ({target.url}): {got}, the matrix says {expected}")
        if rule is not None and rule.person:
            assert target.person is not None, route.key
            got = answer_class(request(client_for(target.person), route, target))
            if got != REACHED:
                mismatches.append(f"{route.key} ({target.url}) as {rule.person}: {got}")
        if rule is not None and rule.own_unit and target.unit_id is not None:
            stranger = county.stranger(target.unit_id, targets.related_units(route, target))
            got = answer_class(request(client_for(stranger), route, target))
            if got != REFUSED:
                mismatches.append(f"{route.key} ({target.url}) as an officer of another unit: {got}")
    if os.environ.get("TAIZHANG_MATRIX_DUMP"):
        with open(os.environ["TAIZHANG_MATRIX_DUMP"], "w") as dump:
            for route_key, by_role in observed.items():
                print(route_key, sorted(r for r, c in by_role.items() if c == REACHED), file=dump)
            print("\n".join(mismatches), file=dump)
    assert not mismatches, "\n".join(mismatches)


def request(client: Client, route: Route, target: Target) -> HttpResponseBase:
    data = target.data() if callable(target.data) else target.data
    method = route.method
    if not route.is_api and data is not None:
        method = "POST"
    if method == "GET":
        response = client.get(target.url)
        if response.status_code != 405 or route.is_api:
            return response
        method = "POST"
    if target.json:
        return client.generic(method, target.url, json_body(data), content_type="application/json")
    return client.post(target.url, {**(data or {}), **{k: make() for k, make in target.files.items()}})


def json_body(data: dict[str, Any] | None) -> str:
    import json

    return json.dumps(data or {})


class Targets:
    """Which record each route is asked about in the demo county."""

    def __init__(self, county: County) -> None:
        self.county = county
        self._makers: dict[str, Callable[[], Target]] | None = None

    def related_units(self, route: Route, target: Target) -> set[int]:
        """Units besides the record's own that may see it too (co-units of its problem)."""
        from taizhang.problems.models import Assignment

        problem_id = self._problem_of.get(target.url)
        if problem_id is None:
            return set()
        co = Assignment.co_units.through.objects.filter(assignment__problem_id=problem_id)
        return set(co.values_list("unit_id", flat=True))

    _problem_of: dict[str, int] = {}

    def for_route(self, route: Route) -> Target | None:
        if route.is_admin:
            return Target("/" + admin_path(route.pattern))
        if self._makers is None:
            self._makers = self.makers()
        make = self._makers.get(route.key)
        if make is not None:
            return make()
        if "<" not in route.pattern and "(?P" not in route.pattern:
            return Target("/" + route.pattern.replace("^", "").replace("$", ""))
        return None

    def problem(self) -> Any:
        from taizhang.problems.models import Problem, Status

        rectifying = Problem.objects.filter(status=Status.RECTIFYING, lead_unit__members__role=Role.UNIT_HEAD)
        return rectifying.order_by("id").first()

    def extension(self, problem: Any) -> Any:
        from taizhang.supervision.actions import do_request_extension

        officer = self.county.user(Role.UNIT_OFFICER, problem.lead_unit_id)
        assert officer is not None
        deadline = problem.deadline + dt.timedelta(days=1)
        return do_request_extension(problem, actor=officer, new_deadline=deadline, reason="需要协调经费")

    def verifying(self, besides: Any) -> Any:
        """Another problem of a unit with a head, walked to its verifier's desk (inspector1's)."""
        from types import SimpleNamespace

        from conftest import ready_to_decide
        from taizhang.problems.actions import do_sign_problem
        from taizhang.problems.models import Problem, Status

        problem = (
            Problem.objects.filter(
                status__in=(Status.RECTIFYING, Status.ASSIGNED), lead_unit__members__role=Role.UNIT_HEAD
            )
            .exclude(pk=besides.pk)
            .order_by("id")
            .first()
        )
        assert problem is not None, list(Problem.objects.values_list("status", "lead_unit_id"))
        c = self.county
        officer = c.user(Role.UNIT_OFFICER, problem.lead_unit_id)
        assert officer is not None
        if problem.status == Status.ASSIGNED:
            problem = do_sign_problem(problem, actor=officer)
        cast = SimpleNamespace(
            officer=c.user(Role.UNIT_OFFICER, problem.lead_unit_id),
            unit_head=c.user(Role.UNIT_HEAD, problem.lead_unit_id),
            coordinator2=User.objects.get(username="coord2"),
            inspector=User.objects.get(username="inspector1"),
        )
        return ready_to_decide(cast, problem)

    def on_problem(self, url: str, problem: Any, data: Any = None, json: bool = False) -> Target:
        self._problem_of[url] = problem.pk
        return Target(url, problem.lead_unit_id, data, json)

    def makers(self) -> dict[str, Callable[[], Target]]:
        from taizhang.assessment.actions import RaterInput, do_add_raters
        from taizhang.assessment.models import Ranking, Scheme, Survey
        from taizhang.disclosure.models import Batch, BatchState, Objection
        from taizhang.followup.models import Rating
        from taizhang.imports.models import ImportJob
        from taizhang.intake.models import Opinion, OpinionStatus
        from taizhang.problems.models import Attachment, Milestone, Problem, Status
        from taizhang.public.models import OpinionPhoto
        from taizhang.reports.models import GeneratedReport
        from taizhang.supervision.models import ExtensionRequest, Instruction, Notification, SupervisionAction

        c = self.county
        p = self.problem()

        def version(q: Any = p) -> dict[str, int]:
            return {"expected_version": Problem.objects.get(pk=q.pk).version}

        verifying = self.verifying(p)
        verifier = User.objects.get(username="inspector1")
        doc = first(SupervisionAction.objects.exclude(doc_number="").filter(problem__isnull=False))
        ext = first(ExtensionRequest.objects) or self.extension(p)
        instruction = first(Instruction.objects.filter(problem__isnull=False))
        job = first(ImportJob.objects)
        draft: Any = first(Batch.objects.exclude(state=BatchState.PUBLISHED)) or Batch.objects.first()
        published: Any = first(Batch.objects.filter(state=BatchState.PUBLISHED))
        objection = first(Objection.objects.select_related("item"))
        scheme = first(Scheme.objects)
        ranking = first(Ranking.objects)
        survey = first(Survey.objects)
        report = first(GeneratedReport.objects)
        untriaged = first(Opinion.objects.filter(status=OpinionStatus.UNTRIAGED))
        linked = first(Opinion.objects.filter(links__problem=p)) or untriaged
        photo = first(OpinionPhoto.objects)
        rating = first(Rating.objects)
        follow = first(Problem.objects.filter(status=Status.FOLLOW_UP))
        follow_opinion = first(Opinion.objects.filter(links__problem=follow))
        attachment = first(Attachment.objects.filter(problem__lead_unit__members__role="unit_head"))
        milestone = first(Milestone.objects.filter(assignment__problem=p))
        notification = first(Notification.objects)
        item: Any = first(published.items) if published else None
        coordinator = User.objects.get(username="coord")
        invite = do_add_raters(survey, [RaterInput(name="评议人")], actor=coordinator)[0][1] if survey else "x"
        records = dict(p=p, doc=doc, ext=ext, instruction=instruction, job=job, draft=draft, published=published)
        records |= dict(objection=objection, scheme=scheme, ranking=ranking, survey=survey, report=report)
        records |= dict(untriaged=untriaged, photo=photo, rating=rating, follow_opinion=follow_opinion)
        records |= dict(attachment=attachment, milestone=milestone, item=item, notification=notification)
        assert not [name for name, record in records.items() if record is None], "the demo county lacks these"
        unit = c.unit.pk
        api = "/api/v1"
        return {
            # pages about one problem or its records
            "problem_detail": lambda: self.on_problem(f"/problems/{p.pk}/", p),
            "problem_step": lambda: self.on_problem(f"/problems/{p.pk}/sign/", p, data={}),
            "attachment_download": lambda: self.on_problem(f"/attachments/{attachment.pk}/", attachment.problem),
            "supervision_document": lambda: Target(f"/supervision/documents/{doc.pk}/", doc.unit_id),
            "supervision_document_docx": lambda: Target(f"/supervision/documents/{doc.pk}/document.docx", doc.unit_id),
            "supervision_document_pdf": lambda: Target(f"/supervision/documents/{doc.pk}/document.pdf", doc.unit_id),
            "supervision_document_print": lambda: Target(f"/supervision/documents/{doc.pk}/print/", doc.unit_id),
            "supervision_document_sign": lambda: Target(f"/supervision/documents/{doc.pk}/sign/", doc.unit_id, {}),
            "supervision_document_review": lambda: Target(
                f"/supervision/documents/{doc.pk}/review/", doc.unit_id, {"approve": "1"}
            ),
            "supervision_document_reply": lambda: Target(
                f"/supervision/documents/{doc.pk}/reply/", doc.unit_id, {"text": "已整改。"}
            ),
            "supervision_extension_request": lambda: self.on_problem(
                f"/supervision/problems/{p.pk}/extension/",
                p,
                {"extension-new_deadline": today_plus(1), "extension-reason": "需要时间"},
            ),
            "supervision_extension_decide": lambda: self.on_problem(
                f"/supervision/extensions/{ext.pk}/decide/", ext.problem, {"extension_decision-decision": "reject"}
            ),
            "supervision_instruction_give": lambda: self.on_problem(
                f"/supervision/problems/{p.pk}/instruction/",
                p,
                {"instruction-text": "请抓紧整改。", "instruction-reply_due_on": today_plus(5)},
            ),
            "supervision_instruction_reply": lambda: Target(
                f"/supervision/instructions/{instruction.pk}/reply/", instruction.unit_id, {"text": "已办理。"}
            ),
            "supervision_instruction": lambda: Target(
                f"/supervision/instructions/{instruction.pk}/", instruction.unit_id
            ),
            "supervision_unit_instruction": lambda: Target(f"/supervision/units/{unit}/instruction/", unit),
            "import_job": lambda: Target(f"/imports/{job.pk}/", person=job.created_by),
            "disclosure_manage_batch": lambda: Target(f"/manage/disclosures/{draft.pk}/"),
            "disclosure_redact": lambda: Target(
                f"/manage/disclosures/{draft.pk}/items/{draft.items.order_by('id').first().pk}/redact/", data={}
            ),
            "disclosure_preview": lambda: Target(f"/manage/disclosures/{draft.pk}/preview/"),
            "disclosure_publish": lambda: Target(f"/manage/disclosures/{draft.pk}/publish/", data={}),
            "disclosure_withdraw": lambda: Target(f"/manage/disclosures/{published.pk}/withdraw/", data={}),
            "disclosure_objection": lambda: Target(
                f"/manage/disclosures/{objection.item.batch_id}/objections/{objection.pk}/", data={}
            ),
            "assessment_scheme_edit": lambda: Target(f"/assessment/schemes/{scheme.pk}/edit/"),
            "assessment_ranking": lambda: Target(f"/assessment/schemes/{scheme.pk}/ranking/"),
            "assessment_ranking_xlsx": lambda: Target(f"/assessment/schemes/{scheme.pk}/ranking.xlsx"),
            "assessment_publish": lambda: Target(f"/assessment/schemes/{scheme.pk}/publish/", data={}),
            "assessment_published": lambda: Target(f"/assessment/rankings/{ranking.pk}/"),
            "assessment_survey": lambda: Target(f"/assessment/surveys/{survey.pk}/"),
            "assessment_survey_raters": lambda: Target(f"/assessment/surveys/{survey.pk}/raters/", data={}),
            "assessment_survey_close": lambda: Target(f"/assessment/surveys/{survey.pk}/close/", data={}),
            "reports_download": lambda: Target(f"/reports/{report.pk}/download/"),
            "public_survey": lambda: Target(f"/survey/{survey.public_token}/"),
            "survey_invite": lambda: Target(f"/survey/invite/{invite}/"),
            "disclosure_detail": lambda: Target(f"/disclosures/{published.pk}/"),
            "disclosure_item": lambda: Target(f"/disclosures/{published.pk}/items/{item.pk}/"),
            "open311_request": lambda: Target(f"/open311/v2/requests/{item.public_number}.json"),
            "public_poster_print": lambda: Target(f"/posters/{unit}/"),
            "public_poster_file": lambda: Target(f"/posters/{unit}.png"),
            "public_opinion_photo": lambda: Target(f"/public-photos/{photo.pk}.jpg"),
            "followup_record_call": lambda: Target(f"/followup/opinions/{follow_opinion.pk}/call/", data={}),
            "followup_review": lambda: Target(f"/followup/ratings/{rating.pk}/review/", data={}),
            "opinion_detail": lambda: Target(f"/opinions/{linked.pk}/"),
            "opinion_unmask": lambda: Target(f"/opinions/{linked.pk}/unmask/", data={}),
            "triage_opinion": lambda: Target(f"/triage/{untriaged.pk}/"),
            "unknown-path": lambda: Target(f"{api}/no-such-thing"),
            # the API
            f"GET {api}/opinions/{{opinion_id}}": lambda: Target(f"{api}/opinions/{linked.pk}"),
            f"POST {api}/opinions/{{opinion_id}}/create-problem": lambda: Target(
                f"{api}/opinions/{untriaged.pk}/create-problem",
                data=lambda: {
                    "title": "标题",
                    "description": "说明",
                    "category": p.category_id,
                    **o_version(untriaged),
                },
                json=True,
            ),
            f"POST {api}/opinions/{{opinion_id}}/split": lambda: Target(
                f"{api}/opinions/{untriaged.pk}/split", data=lambda: {"problems": [], **o_version(untriaged)}, json=True
            ),
            f"POST {api}/opinions/{{opinion_id}}/link": lambda: Target(
                f"{api}/opinions/{untriaged.pk}/link",
                data=lambda: {"problem_id": p.pk, **o_version(untriaged)},
                json=True,
            ),
            f"POST {api}/opinions/{{opinion_id}}/dismiss": lambda: Target(
                f"{api}/opinions/{untriaged.pk}/dismiss",
                data=lambda: {"reason": "untrue", "answer": "经核实不属实。", **o_version(untriaged)},
                json=True,
            ),
            f"GET {api}/problems/{{problem_id}}": lambda: self.on_problem(f"{api}/problems/{p.pk}", p),
            f"POST {api}/problems/{{problem_id}}/assign": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/assign",
                p,
                lambda: {
                    "lead_unit": unit,
                    "responsible_person": "某某",
                    "measures": "整改",
                    "kind": "time_limited",
                    "deadline": today_plus(30),
                    "milestones": [{"title": "节点", "due_on": today_plus(10)}],
                    **version(),
                },
                json=True,
            ),
            f"POST {api}/problems/{{problem_id}}/sign": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/sign", p, version, json=True
            ),
            f"POST {api}/problems/{{problem_id}}/return": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/return", p, lambda: {"reason": "不属于本单位", **version()}, json=True
            ),
            f"POST {api}/problems/{{problem_id}}/plan": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/plan", p, lambda: {"text": "方案", **version()}
            ),
            f"POST {api}/problems/{{problem_id}}/progress": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/progress", p, lambda: {"text": "进展", "percent": 50, **version()}
            ),
            f"POST {api}/problems/{{problem_id}}/milestones/{{milestone_id}}/done": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/milestones/{milestone.pk}/done", p, lambda: {"note": "完成", **version()}
            ),
            f"POST {api}/problems/{{problem_id}}/apply-closure": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/apply-closure", p, lambda: {"summary": "已整改", **version()}
            ),
            f"POST {api}/problems/{{problem_id}}/approve-closure": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/approve-closure", p, lambda: {"approve": True, **version()}, json=True
            ),
            f"POST {api}/problems/{{problem_id}}/verifier": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/verifier",
                p,
                lambda: {"verifier": User.objects.get(username="inspector1").pk, **version()},
                json=True,
            ),
            f"POST {api}/problems/{{problem_id}}/decide-closure": lambda: Target(
                f"{api}/problems/{verifying.pk}/decide-closure",
                verifying.lead_unit_id,
                lambda: {"accept": False, "reason": "未整改到位", **version(verifying)},
                json=True,
                person=verifier,
            ),
            f"POST {api}/problems/{{problem_id}}/reopen": lambda: self.on_problem(
                f"{api}/problems/{p.pk}/reopen", p, lambda: {"reason": "重办", **version()}, json=True
            ),
            f"GET {api}/problems/attachments/{{attachment_id}}": lambda: self.on_problem(
                f"{api}/problems/attachments/{attachment.pk}", attachment.problem
            ),
            f"GET {api}/triage/opinions/{{opinion_id}}/suggestion": lambda: Target(
                f"{api}/triage/opinions/{untriaged.pk}/suggestion"
            ),
            f"POST {api}/supervision/actions/{{action_id}}/sign": lambda: Target(
                f"{api}/supervision/actions/{doc.pk}/sign", doc.unit_id, {}, json=True
            ),
            f"POST {api}/supervision/actions/{{action_id}}/review": lambda: Target(
                f"{api}/supervision/actions/{doc.pk}/review", doc.unit_id, {"approve": True}, json=True
            ),
            f"POST {api}/supervision/actions/{{action_id}}/reply": lambda: Target(
                f"{api}/supervision/actions/{doc.pk}/reply", doc.unit_id, {"text": "已整改"}, json=True
            ),
            f"GET {api}/supervision/problems/{{problem_id}}/light": lambda: self.on_problem(
                f"{api}/supervision/problems/{p.pk}/light", p
            ),
            f"POST {api}/supervision/problems/{{problem_id}}/extensions": lambda: self.on_problem(
                f"{api}/supervision/problems/{p.pk}/extensions",
                p,
                {"new_deadline": today_plus(60), "reason": "需要时间"},
                json=True,
            ),
            f"POST {api}/supervision/extensions/{{extension_id}}/decide": lambda: self.on_problem(
                f"{api}/supervision/extensions/{ext.pk}/decide", ext.problem, {"approve": True}, json=True
            ),
            f"GET {api}/supervision/units/{{unit_id}}/instructions": lambda: Target(
                f"{api}/supervision/units/{unit}/instructions", unit
            ),
            f"POST {api}/supervision/units/{{unit_id}}/instructions": lambda: Target(
                f"{api}/supervision/units/{unit}/instructions", unit, {"text": "请抓紧。"}, json=True
            ),
            f"GET {api}/supervision/problems/{{problem_id}}/instructions": lambda: self.on_problem(
                f"{api}/supervision/problems/{p.pk}/instructions", p
            ),
            f"POST {api}/supervision/problems/{{problem_id}}/instructions": lambda: self.on_problem(
                f"{api}/supervision/problems/{p.pk}/instructions", p, {"text": "请抓紧。"}, json=True
            ),
            f"POST {api}/supervision/instructions/{{instruction_id}}/reply": lambda: Target(
                f"{api}/supervision/instructions/{instruction.pk}/reply",
                instruction.unit_id,
                {"text": "已办理"},
                json=True,
            ),
            f"GET {api}/imports/{{job_id}}": lambda: Target(f"{api}/imports/{job.pk}", person=job.created_by),
            f"POST {api}/imports/{{job_id}}/commit": lambda: Target(
                f"{api}/imports/{job.pk}/commit", data={}, json=True, person=job.created_by
            ),
            f"POST {api}/imports/{{job_id}}/cancel": lambda: Target(
                f"{api}/imports/{job.pk}/cancel", data={}, json=True, person=job.created_by
            ),
            f"POST {api}/notifications/{{notification_id}}/read": lambda: Target(
                f"{api}/notifications/{notification.pk}/read", data={}, json=True, person=notification.recipient
            ),
            f"POST {api}/imports": lambda: Target(
                f"{api}/imports",
                data={},
                files={"file": lambda: SimpleUploadedFile("台账.csv", "问题,单位\n".encode())},
            ),
            f"GET {api}/public/track/{{code}}": lambda: Target(f"{api}/public/track/{follow_opinion.receipt_code}"),
            f"POST {api}/public/track/{{code}}/rating": lambda: Target(
                f"{api}/public/track/{follow_opinion.receipt_code}/rating",
                data={"satisfaction": "satisfied", "fixed": True},
                json=True,
            ),
            f"POST {api}/opinions": lambda: Target(
                f"{api}/opinions", data={"channel": "hotline_12345", "text": "反映问题"}, json=True
            ),
            f"POST {api}/public/opinions": lambda: Target(
                f"{api}/public/opinions", data={"text": "反映某校乱收费问题。"}
            ),
        }


def first(records: Any) -> Any:
    return records.order_by("id").first()


def o_version(opinion: Any) -> dict[str, int]:
    from taizhang.intake.models import Opinion

    return {"expected_version": Opinion.objects.get(pk=opinion.pk).version}


def slug(route: Route) -> str:
    if route.is_api:
        return (
            route.key.replace("/api/v1/", "_")
            .replace(" ", "")
            .replace("/", "_")
            .replace("{", "")
            .replace("}", "")
            .replace("-", "_")
            .lower()
        )
    return route.name.replace("-", "_")


def admin_path(pattern: str) -> str:
    """A concrete admin URL for a pattern: the first app label of an alternation, a missing object's id."""
    import re

    path = re.sub(r"\(\?P<\w+>([\w]+)(\|[\w|]+)?\)", r"\1", pattern)
    path = re.sub(r"\(\?P<object_id>[^)]*\)", "999999", path)
    path = re.sub(r"<path:object_id>", "999999", path)
    path = re.sub(r"<int:content_type_id>", "1", path)
    path = re.sub(r"<path:\w+>|<\w+:\w+>|<\w+>", "x", path)
    return path.replace("^", "").replace("$", "")
