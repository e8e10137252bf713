"""Nothing personal leaves through any public door: pages, the JSON feed, the public API or Open311."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client

from taizhang.disclosure.models import BatchKind
from taizhang.disclosure.tests.helpers import (
    EMAIL,
    ID_NUMBER,
    PHONE,
    REPORTER,
    SECRETS,
    STUDENT,
    planted_problem,
    published,
)

REPORTER_IDENTITY = (REPORTER, PHONE, EMAIL, "oyangmy", ID_NUMBER)


def test_it_publishes_no_reporter_phone_id_student_or_class(client: Client, cast: SimpleNamespace) -> None:
    fixed = planted_problem(cast, closed=True)
    fixing = planted_problem(cast, closed=False)
    done = published(cast, [fixed])
    doing = published(cast, [fixing], kind=BatchKind.TO_FIX)
    urls = ["/disclosures/", "/disclosures/feed.json", "/api/v1/public/disclosures"]
    urls += ["/open311/v2/services.json", "/open311/v2/requests.json", f"/open311/v2/requests/{fixed.number}.json"]
    for batch in (done, doing):
        item = batch.items.get()
        urls += [f"/disclosures/{batch.pk}/", f"/disclosures/{batch.pk}/items/{item.pk}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        leaked = [s for s in SECRETS if s in body]
        assert not leaked, f"{url} shows {leaked}"
    for problem in (fixed, fixing):  # the reporter's own follow page and its API: no identity, theirs included
        code = problem.opinions.get().receipt_code
        for url in (f"/track/?code={code}", f"/api/v1/public/track/{code}"):
            body = client.get(url).content.decode()
            assert not [s for s in REPORTER_IDENTITY if s in body], url
    assert "o***@example.cn" in client.get(f"/track/?code={fixed.opinions.get().receipt_code}").content.decode()
    # The pages did show the problems (masked), not an empty shell.
    assert fixed.number in client.get(f"/disclosures/{done.pk}/").content.decode()
    assert "欧***" in client.get(f"/disclosures/{done.pk}/").content.decode()


def test_the_preview_is_masked_like_the_publication(client: Client, cast: SimpleNamespace) -> None:
    from taizhang.disclosure import actions

    problem = planted_problem(cast, closed=True)
    batch = actions.do_create_batch(actor=cast.coordinator, title="草稿", kind=BatchKind.FIXED)
    actions.do_add_problems(batch, [problem.pk], actor=cast.coordinator)
    client.force_login(cast.coordinator)
    for url in (f"/manage/disclosures/{batch.pk}/preview/", f"/manage/disclosures/{batch.pk}/"):
        body = client.get(url).content.decode()
        assert not [s for s in SECRETS if s in body], url


def test_the_follow_page_hides_a_pupil_named_in_the_result(client: Client, cast: SimpleNamespace) -> None:
    code = planted_problem(cast, closed=True).opinions.get().receipt_code
    assert STUDENT not in client.get(f"/track/?code={code}").content.decode()
