"""Complete postings (2026 notice): requirements and duties apart, an agency's employer.

The one old description is kept, unchanged, as the job's duties (工作内容): it is what most of
them describe, and nothing is lost. Requirements start empty; the job form asks for them on
the next edit, and publishing again refuses a job without them.
"""

from django.db import migrations, models

import daigang.accounts.uscc


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="job", old_name="description", new_name="duties"),
        migrations.AlterField(
            model_name="job",
            name="duties",
            field=models.TextField(verbose_name="工作内容"),
        ),
        migrations.AddField(
            model_name="job",
            name="requirements",
            field=models.TextField(blank=True, default="", verbose_name="任职要求"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="job",
            name="employer_name",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="用工单位"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="job",
            name="employer_uscc",
            field=models.CharField(
                blank=True,
                default="",
                max_length=18,
                validators=[daigang.accounts.uscc.validate_uscc],
                verbose_name="用工单位统一社会信用代码",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="job",
            name="arrangement",
            field=models.CharField(
                blank=True,
                choices=[("dispatch", "劳务派遣"), ("placement", "职业中介")],
                default="",
                max_length=10,
                verbose_name="用工方式",
            ),
            preserve_default=False,
        ),
    ]
