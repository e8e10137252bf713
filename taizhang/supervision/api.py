"""/api/v1/supervision: 督办记录 and their documents, 延期, the inbox. The same actions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taizhang.api_common import ERRORS, PageParams, UnitRef, api_user, page_of
from taizhang.clock import today
from taizhang.problems.access import access_problem_by_id
from taizhang.supervision import actions, instructions
from taizhang.supervision.access import access_action_by_id, access_extension_by_id, actions_visible_to
from taizhang.supervision.models import ExtensionRequest, Instruction, SupervisionAction
from taizhang.supervision.timelimits import light_for

router = Router(tags=["督查督办"])


class ActionOut(Schema):
    id: int
    problem_id: int | None = Field(description="问题 id；整改通知单为单位级，无问题")
    unit: UnitRef = Field(description="主送单位")
    rung: str = Field(description="督办阶梯代码，如 supervision_notice")
    rung_name: str = Field(description="督办阶梯（中文）")
    due_on: dt.date = Field(description="应督办日期（补发时为原应发日期）")
    fired_at: dt.datetime = Field(description="实际生成时间")
    doc_number: str = Field(description="发文字号；无文书时为空")
    title: str = Field(description="文书标题")
    signed_at: dt.datetime | None = Field(description="签收时间")
    state: str = Field(
        description="issued 已发出 / skipped 补发时已合并未单独发出 / draft 草稿待审批 / withdrawn 不予印发"
    )
    issued_on: dt.date | None = Field(description="印发日期（文书落款日期，北京时间）")
    reply: str = Field(description="责任单位的回复")
    replied_at: dt.datetime | None = Field(description="回复时间")

    @staticmethod
    def resolve_rung(obj: SupervisionAction) -> str:
        return obj.rung.code

    @staticmethod
    def resolve_rung_name(obj: SupervisionAction) -> str:
        return obj.rung.name


class ActionPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ActionOut]


class LightOut(Schema):
    problem_id: int
    deadline: dt.date | None
    light: str = Field(description="green / yellow / red / none")
    label: str
    overdue_workdays: int
    workdays_left: int
    extension_count: int
    ladder_level: int = Field(description="本轮已到达的督办级别")


class ExtensionIn(Schema):
    new_deadline: dt.date = Field(description="申请延至")
    reason: str = Field(description="延期理由")


class ExtensionDecisionIn(Schema):
    approve: bool = Field(description="true 批准 / false 不批准")
    note: str = Field("", description="审批意见；不批准时必填")


class ExtensionOut(Schema):
    id: int
    problem_id: int
    old_deadline: dt.date
    new_deadline: dt.date
    reason: str
    status: str = Field(description="pending 待审批 / approved 已批准 / rejected 不批准")
    decision_note: str


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    problem_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    page_size: int
    items: list[NotificationOut]


@router.get("/actions", response={200: ActionPage, **ERRORS}, summary="督办记录（本单位或全部）")
def list_actions(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    qs = actions_visible_to(api_user(request)).order_by("-fired_at", "-id")
    count, items = page_of(qs, paging)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "items": items}


@router.post("/actions/{action_id}/sign", response={200: ActionOut, **ERRORS}, summary="签收督办文书")
def sign_action(request: HttpRequest, action_id: int) -> SupervisionAction:
    user = api_user(request)
    action = actions.do_sign_document(access_action_by_id(user, action_id), actor=user)
    return access_action_by_id(user, action.pk)


class ReviewIn(Schema):
    approve: bool = Field(description="true：审批通过并印发；false：不予印发（须填写理由）")
    note: str = Field("", max_length=200, description="审批意见")


class ReplyIn(Schema):
    text: str = Field(max_length=5000, description="情况说明和整改措施")


@router.post(
    "/actions/{action_id}/review",
    response={200: ActionOut, **ERRORS},
    summary="审批督办文书草稿（通报批评单、组织调整建议单）",
)
def review_action(request: HttpRequest, action_id: int, payload: ReviewIn) -> SupervisionAction:
    user = api_user(request)
    action = access_action_by_id(user, action_id)
    return actions.do_review_document(action, actor=user, approve=payload.approve, note=payload.note)


@router.post("/actions/{action_id}/reply", response={200: ActionOut, **ERRORS}, summary="责任单位回复督办文书")
def reply_action(request: HttpRequest, action_id: int, payload: ReplyIn) -> SupervisionAction:
    user = api_user(request)
    action = access_action_by_id(user, action_id)
    return actions.do_reply_document(action, actor=user, text=payload.text)


@router.get("/problems/{problem_id}/light", response={200: LightOut, **ERRORS}, summary="问题的状态灯")
def problem_light(request: HttpRequest, problem_id: int) -> dict[str, Any]:
    problem = access_problem_by_id(api_user(request), problem_id)
    light = light_for(problem)
    return {
        "problem_id": problem.pk,
        "deadline": problem.deadline,
        "light": light.color,
        "label": light.label,
        "overdue_workdays": light.overdue_workdays,
        "workdays_left": light.workdays_left,
        "extension_count": problem.extension_count,
        "ladder_level": problem.ladder_level,
    }


@router.post("/problems/{problem_id}/extensions", response={200: ExtensionOut, **ERRORS}, summary="申请延期")
def request_extension(request: HttpRequest, problem_id: int, payload: ExtensionIn) -> ExtensionRequest:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    return actions.do_request_extension(problem, actor=user, new_deadline=payload.new_deadline, reason=payload.reason)


@router.post("/extensions/{extension_id}/decide", response={200: ExtensionOut, **ERRORS}, summary="审批延期")
def decide_extension(request: HttpRequest, extension_id: int, payload: ExtensionDecisionIn) -> ExtensionRequest:
    user = api_user(request)
    extension = access_extension_by_id(user, extension_id)
    return actions.do_decide_extension(extension, actor=user, approve=payload.approve, note=payload.note)


class InstructionIn(Schema):
    text: str = Field(description="批示内容（不超过 2000 字）")
    reply_due_on: dt.date | None = Field(None, description="回复时限（北京时间的日期）；不填为 3 个工作日内")


class InstructionReplyIn(Schema):
    text: str = Field(description="办理情况（不超过 2000 字）")


class InstructionOut(Schema):
    id: int
    level: str = Field(description="problem 对问题的批示 / unit 对单位的批示（在驾驶舱作出，不针对具体问题）")
    problem_id: int | None = Field(description="问题 id；对单位的批示为空")
    unit: UnitRef = Field(description="批示交办的单位（对问题的批示为问题的牵头单位）")
    author_id: int
    author_name: str = Field(description="批示领导")
    text: str
    created_at: dt.datetime
    reply_due_on: dt.date = Field(description="回复时限")
    state: str = Field(description="waiting 待回复 / overdue 逾期未回复 / replied 已回复")
    reply: str = Field(description="办理情况；未回复为空")
    replied_at: dt.datetime | None
    replied_by_id: int | None

    @staticmethod
    def resolve_author_name(obj: Instruction) -> str:
        return obj.author.display_name

    @staticmethod
    def resolve_level(obj: Instruction) -> str:
        return "unit" if obj.problem_id is None else "problem"

    @staticmethod
    def resolve_state(obj: Instruction) -> str:
        return obj.state_on(today())


class InstructionPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[InstructionOut]


class InstructionQuery(Schema):
    state: Literal["", "waiting", "overdue", "replied"] = Field(
        "", description="waiting 待回复（含逾期）/ overdue 逾期未回复 / replied 已回复；不填为全部"
    )
    level: Literal["", "unit", "problem"] = Field("", description="unit 对单位的批示 / problem 对问题的批示")
    unit: int | None = Field(None, description="只看批示给这个单位的")


@router.get(
    "/instructions",
    response={200: InstructionPage, **ERRORS},
    summary="领导批示列表",
    description="局领导看自己作出的批示（跟踪回复），责任单位看批示给本单位的，其他局机关角色看全部；新批示在前。",
)
def list_all_instructions(
    request: HttpRequest, filters: Query[InstructionQuery], paging: Query[PageParams]
) -> dict[str, Any]:
    user = api_user(request)
    listed = instructions.instructions_listed_for(user)
    qs = instructions.filter_instructions(listed, state=filters.state, level=filters.level, unit_id=filters.unit)
    count, items = page_of(qs, paging)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "items": items}


@router.get(
    "/units/{unit_id}/instructions",
    response={200: list[InstructionOut], **ERRORS},
    summary="对单位的领导批示",
    description="驾驶舱上该单位的批示（对单位、不针对具体问题的），新批示在前。责任单位只能查看本单位的。",
)
def list_unit_instructions(request: HttpRequest, unit_id: int) -> list[Instruction]:
    user = api_user(request)
    unit = instructions.access_unit_by_id(user, unit_id)
    return list(instructions.unit_instructions(user, unit))


@router.post(
    "/units/{unit_id}/instructions",
    response={200: InstructionOut, **ERRORS},
    summary="对单位作出批示（局领导）",
    description="批示给股室、学校或幼儿园，关于其整体工作而非某个问题；单位的联络员和负责人在待办中看到并回复一次。",
)
def give_unit_instruction(request: HttpRequest, unit_id: int, payload: InstructionIn) -> Instruction:
    user = api_user(request)
    unit = instructions.access_unit_to_instruct(user, unit_id)
    return instructions.do_give_unit_instruction(unit, actor=user, text=payload.text, reply_due_on=payload.reply_due_on)


@router.get(
    "/problems/{problem_id}/instructions",
    response={200: list[InstructionOut], **ERRORS},
    summary="问题的领导批示",
    description="单位只看到批示给本单位的。",
)
def list_instructions(request: HttpRequest, problem_id: int) -> list[Instruction]:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    return list(instructions.instructions_visible_to(user).filter(problem=problem))


@router.post(
    "/problems/{problem_id}/instructions",
    response={200: InstructionOut, **ERRORS},
    summary="作出批示（局领导）",
    description="批示给问题的牵头单位；问题须已交办且未销号。",
)
def give_instruction(request: HttpRequest, problem_id: int, payload: InstructionIn) -> Instruction:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    return instructions.do_give_instruction(problem, actor=user, text=payload.text, reply_due_on=payload.reply_due_on)


@router.post(
    "/instructions/{instruction_id}/reply",
    response={200: InstructionOut, **ERRORS},
    summary="回复批示的办理情况（责任单位）",
    description="对问题或对单位的批示都在这里回复；只有批示所交办单位的联络员或负责人可以回复，每条批示回复一次。",
)
def reply_instruction(request: HttpRequest, instruction_id: int, payload: InstructionReplyIn) -> Instruction:
    user = api_user(request)
    instruction = instructions.access_instruction_by_id(user, instruction_id)
    return instructions.do_reply_instruction(instruction, actor=user, text=payload.text)
