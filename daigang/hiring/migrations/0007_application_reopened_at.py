from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0006_application_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="reopened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="重新报名时间"),
        ),
    ]
