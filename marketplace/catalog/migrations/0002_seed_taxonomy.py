from django.db import migrations


def seed_taxonomy(apps, schema_editor):
    from marketplace.catalog.taxonomy import seed

    seed(apps.get_model("catalog", "ProductGroup"), apps.get_model("catalog", "ProductSet"), apps.get_model("catalog", "LegacySector"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed_taxonomy, migrations.RunPython.noop)]
