"""The JSON API under /api/v1/: routers from each app, Chinese kept readable (ensure_ascii=False)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder


class ChineseJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    title="台账 Taizhang API",
    version="1",
    description="问题整改台账与督查督办系统接口。会话（页面登录）或令牌（Authorization: Bearer …）认证。",
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
)
