"""The import's bulk insert stores what bulk_create would, and hands back primary keys in order."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from taizhang.audit.models import AuditEvent, Verb
from taizhang.intake.models import Channel, Opinion
from taizhang.lib.fastinsert import insert_new

UTC8 = dt.timezone(dt.timedelta(hours=8))


def _opinion(cast: SimpleNamespace, n: int, **kw: object) -> Opinion:
    values: dict[str, object] = {
        "campaign": cast.campaign,
        "receipt_code": f"FAST{n:06d}",
        "channel": Channel.HOTLINE_12345,
        "text": f"第{n}条：食堂饭菜价格偏高",
        "received_at": dt.datetime(2026, 11, 2, 7, 30, tzinfo=UTC8),
        "entered_by": cast.coordinator,
        "source_record": {"file": "热线.xlsx", "row": n, "fields": [["诉求类型", "投诉"]]},
        "import_key": f"k{n}",
        "reporter_phone": f"1380000{n:04d}",
    }
    values.update(kw)
    return Opinion(**values)


@pytest.mark.django_db
def test_rows_come_back_with_their_keys_and_values_as_bulk_create_stores_them(cast: SimpleNamespace) -> None:
    fast = [_opinion(cast, n) for n in range(1, 1202)]  # more than two batches
    fast[5].concerned_unit = cast.school
    fast[6].is_anonymous = True
    with transaction.atomic():
        insert_new(fast)
    reference = _opinion(cast, 9999, concerned_unit=cast.school, is_anonymous=True)
    Opinion.objects.bulk_create([reference])

    assert [o.pk for o in fast] == sorted(o.pk for o in fast)
    stored = {o.pk: o for o in Opinion.objects.filter(import_key__startswith="k").exclude(pk=reference.pk)}
    assert len(stored) == 1201
    for sent in fast:
        got = stored[sent.pk]
        assert (got.receipt_hash, got.text, got.import_key) == (sent.receipt_hash, sent.text, sent.import_key)
        assert got.reporter_phone == sent.reporter_phone  # decrypted on the way back
        assert got.channel == Channel.HOTLINE_12345
    sixth = stored[fast[5].pk]
    assert sixth.concerned_unit_id == cast.school.pk and not sixth.is_anonymous
    assert stored[fast[6].pk].is_anonymous
    # 07:30 on 2 November in Beijing is the same instant read back, whatever the backend stores.
    assert sixth.received_at == dt.datetime(2026, 11, 1, 23, 30, tzinfo=dt.UTC)
    assert sixth.source_record == {"file": "热线.xlsx", "row": 6, "fields": [["诉求类型", "投诉"]]}
    again = Opinion.objects.get(pk=reference.pk)
    assert (again.received_at, again.source_record["file"]) == (sixth.received_at, "热线.xlsx")
    assert Opinion.objects.filter(pk=fast[0].pk, status="untriaged", version=1).exists()  # defaults kept
    # An encrypted column is prepared by its own field, not passed through as text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM intake_opinion WHERE id = %s", [fast[0].pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc1:") and "13800000001" not in raw


@pytest.mark.django_db
def test_an_already_saved_row_or_a_broken_batch_writes_nothing(cast: SimpleNamespace) -> None:
    saved = _opinion(cast, 1)
    saved.save()
    with pytest.raises(ValueError), transaction.atomic():
        insert_new([_opinion(cast, 2), saved])
    assert not Opinion.with_code("FAST000002").exists()

    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():  # the same receipt code twice
        insert_new([_opinion(cast, 3), _opinion(cast, 3, import_key="other")])
    assert not Opinion.with_code("FAST000003").exists()


@pytest.mark.django_db
def test_enums_and_empty_foreign_keys_go_in(cast: SimpleNamespace) -> None:
    event = AuditEvent(
        at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC8),
        actor=None,
        actor_name="系统",
        verb=Verb.OPINION_RECEIVED,
        summary="测试",
        data={"n": 1},
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    with transaction.atomic():
        insert_new([event])
    got = AuditEvent.objects.get(pk=event.pk)
    assert (got.verb, got.actor_id, got.problem_id, got.data) == (Verb.OPINION_RECEIVED, None, None, {"n": 1})
