from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0009_signed_at_returned_count"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(fields=["created_at"], name="problem_created_idx"),
        ),
    ]
