"""An objector's contact (联系方式) encrypted at rest, like a reporter's phone (issue 12, PIPL). Existing rows are
encrypted in place; reversed, they are written back in plain text."""

from django.db import migrations

import taizhang.intake.personal


def encrypt(apps, schema_editor):
    Objection = apps.get_model("disclosure", "Objection")
    rows = list(Objection.objects.exclude(contact=""))
    Objection.objects.bulk_update(rows, ["contact"], batch_size=500)  # plain text read as is, encrypted on save


def decrypt(apps, schema_editor):
    Objection = apps.get_model("disclosure", "Objection")
    table = schema_editor.connection.ops.quote_name(Objection._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for pk, contact in Objection.objects.exclude(contact="").values_list("pk", "contact"):
            cursor.execute(f"UPDATE {table} SET contact = %s WHERE id = %s", [contact, pk])


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0005_objection_answer"),
        ("intake", "0004_personal_data_at_rest"),
    ]

    operations = [
        migrations.AlterField(
            model_name="objection",
            name="contact",
            field=taizhang.intake.personal.EncryptedTextField(blank=True, verbose_name="联系方式"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
