"""The numbered forms: every kind generated, downloaded over HTTP and read back; signing; template edits."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import rated_by_everyone, ready_to_decide
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError
from taizhang.lib.official_docx import read_docx_text
from taizhang.problems import actions as problem_actions
from taizhang.problems import closure as closure_actions
from taizhang.supervision import actions
from taizhang.supervision.config import forget_config
from taizhang.supervision.documents import pdf_path
from taizhang.supervision.forms import FormTemplateAdminForm
from taizhang.supervision.models import FormKind, FormTemplate, SupervisionAction
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import approve_drafts, assign, at, new_problem

D = dt.date


def _every_kind(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        problems = [assign(cast, new_problem(cast, f"问题{i}"), milestone_on=D(2026, 11, 3)) for i in range(5)]
        # Swept on the days each rung falls due (预报单, 督办单, then the two heavy forms approved as drafted), and a
        # 整改通知单 for the unit with five overdue problems.
        for day in (D(2026, 11, 2), D(2026, 11, 12), D(2026, 11, 18), D(2026, 11, 25), D(2026, 11, 26)):
            traveller.move_to(at(day))
            sweep()
            approve_drafts(cast)
        problem_actions.do_sign_problem(problems[0], actor=cast.officer)
        ready_to_decide(cast, problems[0])
        closure_actions.do_decide_closure(problems[0], actor=cast.inspector, accept=True, reason="属实")
        rated_by_everyone(problems[0])  # 回访 over: closed, the 解决问题报告单 is due
        sweep()


def test_it_generates_every_form_as_a_docx_that_reads_back(client: Client, cast: SimpleNamespace) -> None:
    _every_kind(cast)
    client.force_login(cast.officer)
    kinds = set()
    for action in SupervisionAction.objects.exclude(doc_number="").order_by("id"):
        response = client.get(reverse("supervision_document_docx", args=[action.pk]))
        assert response.status_code == 200
        text = read_docx_text(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        assert text[0] == "青溪县教育局督查督办" and text[1] == action.doc_number and text[2] == action.title
        assert (
            text[3] == "基础教育股："
            and action.issued_on is not None
            and text[-1] == f"{action.issued_on.year}年{action.issued_on.month}月{action.issued_on.day}日"
        )
        assert "{" not in "".join(text)  # every placeholder was filled
        kinds.add(action.form_kind)
    assert kinds == set(FormKind.values)


def test_it_numbers_each_kind_without_gaps_per_year(cast: SimpleNamespace) -> None:
    _every_kind(cast)
    for kind in FormKind.values:
        seqs = list(
            SupervisionAction.objects.filter(form_kind=kind).order_by("doc_seq").values_list("doc_seq", flat=True)
        )
        assert seqs == list(range(1, len(seqs) + 1))
    assert SupervisionAction.objects.filter(form_kind=FormKind.SUPERVISION_NOTICE).first() is not None
    assert set(SupervisionAction.objects.filter(form_kind="criticism").values_list("doc_number", flat=True)) == {
        f"青教通〔2026〕{i}号" for i in range(1, 6)
    }


def test_it_records_the_unit_signing_for_a_supervision_notice(client: Client, cast: SimpleNamespace) -> None:
    _every_kind(cast)
    notice = SupervisionAction.objects.filter(form_kind=FormKind.SUPERVISION_NOTICE).first()
    assert notice is not None
    client.force_login(cast.other_officer)  # another unit: cannot even see it
    assert client.get(reverse("supervision_document", args=[notice.pk])).status_code == 404
    client.force_login(cast.officer)
    page = client.get(reverse("supervision_document", args=[notice.pk])).content.decode()
    assert "签收" in page and notice.doc_number in page
    assert client.post(reverse("supervision_document_sign", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.signed_by == cast.officer and notice.signed_at is not None
    assert AuditEvent.objects.filter(verb=Verb.DOCUMENT_SIGNED, data__action=notice.pk).count() == 1
    client.post(reverse("supervision_document_sign", args=[notice.pk]))  # twice: refused, still one event
    assert AuditEvent.objects.filter(verb=Verb.DOCUMENT_SIGNED, data__action=notice.pk).count() == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_it_converts_a_form_to_pdf(client: Client, cast: SimpleNamespace) -> None:
    _every_kind(cast)
    notice = SupervisionAction.objects.filter(form_kind=FormKind.SUPERVISION_NOTICE).first()
    assert notice is not None
    client.force_login(cast.coordinator)
    response = client.get(reverse("supervision_document_pdf", args=[notice.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_it_says_when_pdf_is_unavailable(
    client: Client, cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _every_kind(cast)
    monkeypatch.setattr("taizhang.supervision.documents.pdf_converter", lambda: None)
    monkeypatch.setattr("taizhang.supervision.views.pdf_converter", lambda: None)
    notice = SupervisionAction.objects.exclude(doc_number="").first()
    assert notice is not None
    client.force_login(cast.coordinator)
    assert "PDF 不可用" in client.get(reverse("supervision_document", args=[notice.pk])).content.decode()
    response = client.get(reverse("supervision_document_pdf", args=[notice.pk]), follow=True)
    assert "未安装 PDF 转换程序" in response.content.decode()


def test_it_refuses_a_template_missing_a_placeholder(cast: SimpleNamespace) -> None:
    template = FormTemplate.objects.get(kind=FormKind.SUPERVISION_NOTICE)
    before = template.body
    with pytest.raises(ActionError) as caught:
        actions.do_save_form_template(
            template, actor=cast.admin, body="你单位问题{问题编号}已超期，请整改。", title="新标题"
        )
    assert "缺少必需的占位符" in caught.value.message and "{回复时限}" in caught.value.message
    template.refresh_from_db()
    assert template.body == before and template.title == "问题整改督办单"  # nothing half-applied
    assert not AuditEvent.objects.filter(verb=Verb.SUPERVISION_CONFIG_CHANGED).exists()
    with pytest.raises(ActionError, match="无法识别的占位符"):
        actions.do_save_form_template(template, actor=cast.admin, body=before + "{局长签名}")
    form = FormTemplateAdminForm(instance=template, data={**_fields(template), "body": "没有占位符"})
    assert not form.is_valid() and "缺少必需的占位符" in str(form.errors)


def _fields(t: FormTemplate) -> dict[str, str]:
    return {"header": t.header, "number_prefix": t.number_prefix, "title": t.title, "body": t.body, "issuer": t.issuer}


def test_it_uses_the_edited_wording_for_the_next_form(cast: SimpleNamespace) -> None:
    template = FormTemplate.objects.get(kind=FormKind.FORECAST)
    actions.do_save_form_template(
        template, actor=cast.admin, number_prefix="青教督预", body="{问题编号}“{问题摘要}”须于{整改时限}前整改到位。"
    )
    forget_config()  # the test's transaction never commits, so drop the snapshot by hand
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        sweep()
    forecast = SupervisionAction.objects.get(form_kind=FormKind.FORECAST)
    assert forecast.doc_number == "青教督预〔2026〕1号" and forecast.body.endswith("须于2026年11月11日前整改到位。")


@pytest.mark.skipif(
    shutil.which("soffice") is None
    or shutil.which("pdftoppm") is None
    or not os.environ.get("TAIZHANG_FORM_SCREENSHOTS"),
    reason="set TAIZHANG_FORM_SCREENSHOTS=1 with LibreOffice and poppler-utils installed to render the forms",
)
def test_it_renders_every_form_for_the_screenshots(cast: SimpleNamespace) -> None:
    _every_kind(cast)
    out = Path(settings.BASE_DIR) / "test-artifacts" / "supervision-forms"
    out.mkdir(parents=True, exist_ok=True)
    for kind in FormKind.values:
        action = SupervisionAction.objects.filter(form_kind=kind).order_by("id").first()
        assert action is not None
        pdf = pdf_path(action)
        assert pdf is not None
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(out / kind)], check=True)
        assert (out / f"{kind}.png").stat().st_size > 5000


def test_it_refuses_a_missing_placeholder_in_the_admin_too(client: Client, cast: SimpleNamespace) -> None:
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save(update_fields=["is_staff", "is_superuser"])
    template = FormTemplate.objects.get(kind=FormKind.CRITICISM)
    client.force_login(cast.admin)
    url = reverse("admin:supervision_formtemplate_change", args=[template.pk])
    response = client.post(url, {**_fields(template), "body": "对{责任单位}予以通报批评。"})
    assert response.status_code == 200 and "缺少必需的占位符" in response.content.decode()
    assert FormTemplate.objects.get(pk=template.pk).body == template.body
    response = client.post(url, {**_fields(template), "title": "问题通报批评决定单"})
    assert response.status_code == 302 and FormTemplate.objects.get(pk=template.pk).title == "问题通报批评决定单"
    assert AuditEvent.objects.filter(verb=Verb.SUPERVISION_CONFIG_CHANGED).count() == 1
