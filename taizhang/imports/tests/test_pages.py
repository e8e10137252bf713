"""The 导入文件 pages and the /api/v1/imports door, through HTTP: check, correct, confirm, and what was written."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from taizhang.accounts.models import UnitAlias
from taizhang.imports.models import ImportJob, ImportProfile, JobStatus
from taizhang.imports.tests import messy
from taizhang.intake.models import Opinion
from taizhang.problems.models import Problem

TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def upload(client: Client, name: str, content: bytes, **extra: str) -> ImportJob:
    response = client.post("/imports/", {"file": SimpleUploadedFile(name, content), "kind": "auto", **extra})
    assert response.status_code == 302, response.content.decode()
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


@time_machine.travel(TODAY, tick=False)
def test_it_previews_then_imports_the_valid_rows(cast: SimpleNamespace) -> None:
    client = logged_in(cast.coordinator)
    job = upload(client, "12345工单.xlsx", messy.hotline_export())
    assert job.status == JobStatus.CHECKED
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert '<b id="count-rows">11</b>' in page and '<b id="count-rejected">2</b>' in page
    assert "导入有效行（9 行）" in page and "青溪县星辰培训学校" in page
    assert Opinion.objects.count() == 0
    assert client.post(f"/imports/{job.pk}/", {"action": "confirm"}).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.report["created"]["opinions"] == 9
    done = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="import-flagged"' in done and 'id="import-rejected"' in done  # what to look at stays on the page
    assert Opinion.objects.count() == 9
    assert client.post(f"/imports/{job.pk}/", {"action": "confirm"}).status_code == 409  # a double click
    assert Opinion.objects.count() == 9


@time_machine.travel(TODAY, tick=False)
def test_it_imports_nothing_when_told_so(cast: SimpleNamespace) -> None:
    client = logged_in(cast.coordinator)
    job = upload(client, "整改台账.xlsx", messy.office_ledger())
    client.post(f"/imports/{job.pk}/", {"action": "cancel"})
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and Problem.objects.count() == 0


@time_machine.travel(TODAY, tick=False)
def test_corrections_map_an_unknown_unit_and_are_saved_as_a_profile(cast: SimpleNamespace) -> None:
    client = logged_in(cast.coordinator)
    job = upload(client, "整改台账.xlsx", messy.office_ledger())
    new_units = job.report["new_units"]
    index = new_units.index("县教师发展中心")
    columns = {c["header"]: c["column"] for c in job.report["columns"]}
    post = {"action": "recheck", f"unit-{index}": str(cast.basic.pk), f"map-{columns['备注']}": ""}
    assert client.post(f"/imports/{job.pk}/", post).status_code == 302
    job.refresh_from_db()
    assert "县教师发展中心" not in job.report["new_units"]
    assert next(c for c in job.report["columns"] if c["header"] == "备注")["field"] == ""
    client.post(f"/imports/{job.pk}/", {"action": "profile", "name": "县局整改台账"})
    assert ImportProfile.objects.get(name="县局整改台账").mapping["备注"] == ""
    client.post(f"/imports/{job.pk}/", {"action": "confirm"})
    teachers = Problem.objects.get(description="教师培训内容与教学实际脱节。")
    assert teachers.lead_unit == cast.basic and teachers.remarks == ""
    assert UnitAlias.objects.get(name="县教师发展中心").unit == cast.basic
    again = upload(client, "下月台账.xlsx", messy.office_ledger())
    assert again.report["profile"] == "县局整改台账"  # picked by the header alone
    assert again.report["already_imported"] == 8


@time_machine.travel(TODAY, tick=False)
def test_a_refused_file_says_why_and_units_cannot_import(cast: SimpleNamespace) -> None:
    client = logged_in(cast.coordinator)
    job = upload(client, "坏文件.xlsx", b"PK\x03\x04not a workbook")
    assert job.status == JobStatus.REJECTED and "已损坏" in job.message
    assert "已损坏" in client.get(f"/imports/{job.pk}/").content.decode()
    officer = logged_in(cast.officer)
    assert officer.get("/imports/").status_code == 403
    assert officer.get(f"/imports/{job.pk}/").status_code in (403, 404)


@time_machine.travel(TODAY, tick=False)
def test_the_api_uploads_polls_and_commits(cast: SimpleNamespace) -> None:
    client = logged_in(cast.coordinator)
    response = client.post("/api/v1/imports", {"file": SimpleUploadedFile("旧系统.csv", messy.gbk_csv())})
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "checked" and job["report"]["rows"] == 7 and job["report"]["kind"] == "opinions"
    polled = client.get(f"/api/v1/imports/{job['id']}").json()
    assert polled["report"]["duplicates"] == [[2, 9]]
    done = client.post(f"/api/v1/imports/{job['id']}/commit").json()
    assert done["status"] == "done" and done["report"]["created"] == {"opinions": 7, "problems": 0}
    assert client.post(f"/api/v1/imports/{job['id']}/commit").status_code == 409
    bad = client.post("/api/v1/imports", {"file": SimpleUploadedFile("x.csv", b"")})
    assert bad.status_code == 400 and "空文件" in bad.json()["detail"]
    assert logged_in(cast.officer).get(f"/api/v1/imports/{job['id']}").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_progress_block_polls_while_working_and_reloads_when_done(cast: SimpleNamespace) -> None:
    client = logged_in(cast.coordinator)
    job = upload(client, "12345工单.xlsx", messy.hotline_export())
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.IMPORTING, done=2000, total=9000)
    polled = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    working = polled.content.decode()
    assert 'hx-trigger="every 1s"' in working and "2000 / 9000" in working and "<html" not in working
    assert "HX-Refresh" not in polled
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKED)
    done = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    finished = done.content.decode()
    # htmx reloads the page on HX-Refresh (no inline script: the Content-Security-Policy allows none)
    assert done["HX-Refresh"] == "true" and "hx-trigger" not in finished and "<html" not in finished


@time_machine.travel(TODAY, tick=False)
def test_the_records_pages_show_what_the_file_said(cast: SimpleNamespace) -> None:
    client = logged_in(cast.coordinator)
    client.post(f"/imports/{upload(client, '整改台账.xlsx', messy.office_ledger()).pk}/", {"action": "confirm"})
    client.post(f"/imports/{upload(client, '12345工单.xlsx', messy.hotline_export()).pk}/", {"action": "confirm"})
    problem = Problem.objects.get(source_record__row=9)
    text = client.get(f"/problems/{problem.pk}/").content.decode()
    assert "从《整改台账.xlsx》第 9 行导入" in text and "2026/5/6" in text and "王副局长" in text
    opinion = Opinion.objects.get(external_ref="QX12345-20261103-0042")
    text = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert "从《12345工单.xlsx》第 4 行导入" in text and "回访满意度" in text


@time_machine.travel(TODAY, tick=False)
def test_an_unexpected_failure_leaves_the_job_failed_not_stuck(cast: SimpleNamespace, monkeypatch: Any) -> None:
    client = logged_in(cast.coordinator)
    job = upload(client, "12345工单.xlsx", messy.hotline_export())

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("taizhang.imports.jobs.do_import_plan", broken)
    assert client.post(f"/imports/{job.pk}/", {"action": "confirm"}).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "可重新导入" in job.message
    assert Opinion.objects.count() == 0
