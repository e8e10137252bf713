"""Print views: a 督办 document on A4 in the official layout, printed by the browser without LibreOffice."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from taizhang.supervision.models import FormKind, SupervisionAction
from taizhang.supervision.tests.test_documents import _every_kind


def test_every_document_has_a_print_view_in_the_official_layout(client: Client, cast: SimpleNamespace) -> None:
    _every_kind(cast)
    notice = SupervisionAction.objects.filter(form_kind=FormKind.SUPERVISION_NOTICE).first()
    assert notice is not None and notice.issued_on is not None
    client.force_login(cast.officer)
    page = client.get(reverse("supervision_document", args=[notice.pk])).content.decode()
    assert reverse("supervision_document_print", args=[notice.pk]) in page
    printed = client.get(reverse("supervision_document_print", args=[notice.pk])).content.decode()
    assert 'id="official-print"' in printed and "css/print.css" in printed
    assert notice.doc_number in printed and notice.header in printed and notice.issuer in printed
    assert f"{notice.issued_on.year}年{notice.issued_on.month}月{notice.issued_on.day}日" in printed
    client.force_login(cast.other_officer)  # another unit's document: not there for them
    assert client.get(reverse("supervision_document_print", args=[notice.pk])).status_code == 404
