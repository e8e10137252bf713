from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.test import Client

from taizhang.demo.public import PLANS
from taizhang.intake.models import Channel, Opinion, OpinionStatus
from taizhang.public.actions import PUBLIC_ACTOR
from taizhang.public.models import OpinionPhoto


def test_the_demo_county_has_public_submissions_to_follow(db: Any, client: Client) -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out, scale=0.05)
    public = Opinion.objects.filter(events__actor_name=PUBLIC_ACTOR).distinct()
    assert public.count() == len(PLANS)
    assert public.filter(is_anonymous=True).count() == 4 and public.filter(channel=Channel.REPORT).count() == 1
    assert OpinionPhoto.objects.count() == 3
    assert public.filter(concerned_unit__short_name="县二中").exists()  # named by its short name
    merged = public.get(status=OpinionStatus.LINKED)
    assert f"查询码如 {merged.receipt_code}" in out.getvalue()
    html = client.get("/track/", {"code": merged.receipt_code}).content.decode()
    assert "合并办理" in html and "办理单位" in html and "陈晓梅" not in html
