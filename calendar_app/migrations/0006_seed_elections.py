"""The known election years of Norway and Sweden. Later ones are added as rows in the admin."""

from django.db import migrations

ELECTIONS = (
    # Norway: parliamentary every four years from 2025, local and county two years apart.
    [("NO", "parliamentary", year) for year in range(2001, 2050, 4)]
    + [("NO", "local", year) for year in range(2003, 2050, 4)]
    # Sweden: all general elections on one day, every four years.
    + [("SE", "general", year) for year in range(2002, 2050, 4)]
)


def seed(apps, schema_editor):
    Election = apps.get_model("calendar_app", "Election")
    Election.objects.bulk_create(
        [Election(country=c, kind=k, year=y) for c, k, y in ELECTIONS], ignore_conflicts=True
    )


def unseed(apps, schema_editor):
    apps.get_model("calendar_app", "Election").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0005_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
