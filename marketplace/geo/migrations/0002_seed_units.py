from django.db import migrations


def seed_units(apps, schema_editor):
    from marketplace.geo.seed import seed

    seed(apps.get_model("geo", "Province"), apps.get_model("geo", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(seed_units, migrations.RunPython.noop)]
