"""/reports/ over HTTP: who sees the archive, the two-step 生成 (confirm, then a new version), downloads."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from taizhang.audit.models import AuditEvent, Verb
from taizhang.reports.models import GeneratedReport


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_generates_after_confirmation_and_lists_the_versions(month: SimpleNamespace, cast: SimpleNamespace) -> None:
    client = _client(cast.coordinator)
    page = client.get("/reports/")
    assert page.status_code == 200 and 'value="2026-11"' in page.content.decode()  # the month just ended
    asked = client.post("/reports/generate/", {"period": "2026-11", "kind": ["bulletin", "workbook"]})
    assert asked.status_code == 200 and "确认生成" in asked.content.decode()
    assert not GeneratedReport.objects.exists()  # nothing before the confirmation
    for _ in range(2):
        done = client.post(
            "/reports/generate/", {"period": "2026-11", "kind": ["bulletin", "workbook"], "confirm": "1"}
        )
        assert done.status_code == 302
    versions = sorted(GeneratedReport.objects.values_list("kind", "version"))
    assert versions == [("bulletin", 1), ("bulletin", 2), ("workbook", 1), ("workbook", 2)]
    again = client.post("/reports/generate/", {"period": "2026-11", "kind": ["bulletin"]})
    assert "已有2个版本，将新增第3版（原有版本保留）" in again.content.decode()
    listing = client.get("/reports/").content.decode()
    assert listing.count("/download/") == 4 and "青教整通〔2026〕2号" in listing
    events = AuditEvent.objects.filter(verb=Verb.REPORT_GENERATED)
    assert events.count() == 4 and {e.actor_id for e in events} == {cast.coordinator.pk}


def test_a_download_is_the_archived_file(month: SimpleNamespace, cast: SimpleNamespace) -> None:
    client = _client(cast.coordinator)
    client.post("/reports/generate/", {"period": "2026-11", "kind": ["workbook"], "confirm": "1"})
    report = GeneratedReport.objects.get()
    response = _client(cast.leader).get(f"/reports/{report.pk}/download/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == report.sha256
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_bad_input_is_said_in_chinese(month: SimpleNamespace, cast: SimpleNamespace) -> None:
    client = _client(cast.coordinator)
    for data, message in (
        ({"period": "", "kind": ["bulletin"]}, "请选择报表期间。"),
        ({"period": "2026-11"}, "请至少选择一种报表。"),
        ({"period": "2026-11-05", "kind": ["bulletin"]}, "报表期间应写成年-月"),
    ):
        response = client.post("/reports/generate/", {**data, "confirm": "1"})
        assert response.status_code == 400 and message in response.content.decode()
    assert not GeneratedReport.objects.exists()


def test_units_do_not_see_the_bureaus_reports(month: SimpleNamespace, cast: SimpleNamespace) -> None:
    _client(cast.coordinator).post("/reports/generate/", {"period": "2026-11", "kind": ["bulletin"], "confirm": "1"})
    report = GeneratedReport.objects.get()
    for user in (cast.officer, cast.unit_head, cast.inspector):
        client = _client(user)
        assert client.get("/reports/").status_code == 403
        assert client.get(f"/reports/{report.pk}/download/").status_code == 403
    leader = _client(cast.leader)
    page = leader.get("/reports/").content.decode()
    assert "/download/" in page and 'id="generate-form"' not in page  # leaders read, coordinators generate
    refused = leader.post("/reports/generate/", {"period": "2026-11", "kind": ["bulletin"], "confirm": "1"})
    assert refused.status_code == 403 and GeneratedReport.objects.count() == 1
    assert _client(cast.coordinator).get("/reports/999999/download/").status_code == 404


def test_the_archive_page_reads_in_a_fixed_number_of_queries(month: SimpleNamespace, cast: SimpleNamespace) -> None:
    client = _client(cast.coordinator)
    client.post("/reports/generate/", {"period": "2026-11", "kind": ["workbook", "review"], "confirm": "1"})
    client.get("/reports/")  # the supervision configuration and the session warm
    with CaptureQueriesContext(connection) as two:
        client.get("/reports/")
    client.post("/reports/generate/", {"period": "2026-11", "kind": ["workbook", "review"], "confirm": "1"})
    with CaptureQueriesContext(connection) as four:
        page = client.get("/reports/")
    assert page.content.decode().count("/download/") == 4
    assert len(four) == len(two) <= 8
