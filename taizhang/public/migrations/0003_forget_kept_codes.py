"""Kept follow pages were built with the receipt code written into them; after intake 0004 the code is kept
nowhere in plain text, so every kept page is forgotten (rebuilt, without the code, on its next look). Reversed as a
no-op: there is nothing to put back, the pages are rebuilt."""

from django.db import migrations


def forget(apps, schema_editor):
    apps.get_model("public", "TimelineSnapshot").objects.update(payload={}, built_generation=-1, built_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0005_receipt_hash_only"),
        ("public", "0002_timeline_snapshot"),
    ]

    operations = [migrations.RunPython(forget, reverse_code=migrations.RunPython.noop)]
