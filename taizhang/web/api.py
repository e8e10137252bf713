"""/api/v1/todo: the current user's 待办, the same list as the home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from taizhang.api_common import ERRORS, api_user
from taizhang.web.todo import todo_for

router = Router(tags=["待办"])


class TodoItemOut(Schema):
    kind: str = Field(description="事项类型代码，如 sign_problem、verify_closure、approve_draft")
    kind_name: str = Field(description="事项类型（中文）")
    title: str
    url: str = Field(description="办理页面")
    since: dt.datetime = Field(description="开始等待的时间")
    due: dt.date | None = Field(description="办理时限（签收时限、整改方案报送时限或整改时限）")
    light: str = Field(description="red / yellow / green / none")
    workdays_left: int | None = Field(description="剩余工作日；负数为已超期工作日")
    problem_id: int | None
    opinion_id: int | None
    action_id: int | None = Field(description="督办记录 id（文书类事项）")
    detail: str


class TodoOut(Schema):
    total: int = Field(description="全部待办数")
    counts: dict[str, int] = Field(description="各类事项的数量")
    items: list[TodoItemOut] = Field(description="最紧急的在前：红灯、时限早、等待久；每类最多 50 项")


@router.get("", response={200: TodoOut, **ERRORS}, summary="我的待办")
def my_todo(request: HttpRequest) -> dict[str, Any]:
    todo = todo_for(api_user(request))
    items = [{**vars(i), "kind_name": i.label} for i in todo.items]
    return {"total": todo.total, "counts": todo.counts, "items": items}
