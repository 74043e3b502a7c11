from django.db import migrations

from calendar_app.elections import seed_elections


def seed(apps, schema_editor):
    seed_elections(apps.get_model("calendar_app", "Election"))


def unseed(apps, schema_editor):
    apps.get_model("calendar_app", "Election").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0005_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
