from django.db import migrations

from taizhang.problems.default_categories import DEFAULT_CATEGORIES


def add_defaults(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    for order, (code, name, group) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "group": group, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
