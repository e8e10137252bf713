"""The plain receipt code column goes, the hash becomes unique and required (after 0004 filled it; a separate
migration so that PostgreSQL alters the table outside the transaction that rewrote its rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0004_personal_data_at_rest"),
    ]

    operations = [
        migrations.RemoveField(model_name="opinion", name="receipt_code"),
        migrations.AlterField(
            model_name="opinion",
            name="receipt_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="查询码（密文散列）"),
        ),
    ]
