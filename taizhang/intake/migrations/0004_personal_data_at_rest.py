"""Reporters' personal data encrypted at rest and receipt codes kept only as keyed hashes (issue 12, PIPL).

Existing rows are converted in place: each name, phone and e-mail is encrypted under the current data key
(settings.TAIZHANG_DATA_KEYS), each phone gets its blind index, and each receipt code is replaced by its HMAC.
Irreversible on purpose: a hash cannot give the codes back, and the codes of these rows were random, not derived
from a seed, so they are not recomputable either (they still find their opinion on /track/ and the follow page,
and they were shown to their reporters when issued). Restore a backup to go back.
"""

from django.db import migrations, models

import taizhang.intake.personal

CHUNK = 1000


def convert(apps, schema_editor):
    from taizhang.intake.personal import phone_index, receipt_hash

    Opinion = apps.get_model("intake", "Opinion")
    ids = list(Opinion.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        rows = list(Opinion.objects.filter(pk__in=ids[start : start + CHUNK]))
        for row in rows:
            # Read through the new fields: plain text passes as it is, and is encrypted on the way back.
            row.receipt_hash = receipt_hash(row.receipt_code)
            row.reporter_phone_index = phone_index(row.reporter_phone)
        Opinion.objects.bulk_update(
            rows, ["receipt_hash", "reporter_phone_index", "reporter_name", "reporter_phone", "reporter_email"]
        )


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0003_opinion_reporter_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="receipt_hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="查询码（密文散列）"),
        ),
        migrations.AddField(
            model_name="opinion",
            name="receipt_seed",
            field=models.CharField(blank=True, editable=False, max_length=24),
        ),
        migrations.AddField(
            model_name="opinion",
            name="reporter_phone_index",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name="opinion",
            name="reporter_name",
            field=taizhang.intake.personal.EncryptedTextField(blank=True, verbose_name="反映人"),
        ),
        migrations.AlterField(
            model_name="opinion",
            name="reporter_phone",
            field=taizhang.intake.personal.EncryptedTextField(blank=True, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="opinion",
            name="reporter_email",
            field=taizhang.intake.personal.EncryptedTextField(blank=True, verbose_name="电子邮箱"),
        ),
        migrations.RunPython(convert, reverse_code=None, elidable=False),
    ]
