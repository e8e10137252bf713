"""The demo county has a ranking the leader sees at once: a scheme in two versions, last quarter's ranking
published with the first, and a 民主评议 answered by the public and by named raters."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.test import Client

from taizhang.accounts.models import User
from taizhang.assessment.models import AnswerVia, Ranking, Scheme, SurveyAnswer, SurveyRater
from taizhang.audit.events import verify_chain


def test_the_leader_sees_a_ranking_right_after_load_demo(db: Any, client: Client) -> None:
    call_command("load_demo", scale=0.05, stdout=io.StringIO())
    scheme = Scheme.objects.get()
    assert scheme.current_number == 2
    assert Ranking.objects.get().version.number == 1  # published before the weights changed, and kept
    assert SurveyAnswer.objects.filter(via=AnswerVia.PUBLIC).count() > 300
    assert not SurveyRater.objects.filter(answered_at__isnull=True).exists()
    client.force_login(User.objects.get(username="leader"))
    assert "作风建设季度考核" in client.get("/assessment/").content.decode()
    page = client.get(f"/assessment/schemes/{scheme.pk}/ranking/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "股室" in html and "学校" in html and 'id="red-list"' in html and "特邀6" in html
    assert verify_chain()[1] is None
