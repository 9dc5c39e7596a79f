"""Rejection reasons are now seeded when an organisation is verified, in the site's language.

Before, the first GET of the board seeded them in the viewer's language. This gives every
organisation ever verified that has no reasons the defaults, and turns default reasons stored
in English and never edited back into Chinese (they are texted to seekers). The texts are
frozen here, as they were when this ran.
"""

from __future__ import annotations

from django.db import migrations

# (Chinese name, Chinese message, English name, English message) of the defaults.
DEFAULTS = (
    (
        "年龄不符",
        "{name}您好，感谢您报名{organisation}的“{job}”。很遗憾，您的年龄不在这个岗位的"
        "要求范围内，这次不能录用。欢迎看看我们的其他岗位。",
        "Age does not match",
        "Hello {name}, thank you for applying for “{job}” at {organisation}. Unfortunately "
        "your age is outside the range this job requires, so we cannot hire you this time. "
        "You are welcome to look at our other jobs.",
    ),
    (
        "已招满",
        "{name}您好，感谢您报名{organisation}的“{job}”。这个岗位已经招满了，"
        "有新名额时我们会在直播间发布，欢迎再来报名。",
        "Positions filled",
        "Hello {name}, thank you for applying for “{job}” at {organisation}. This job has been "
        "filled; when there are new openings we will announce them in our live room, and you "
        "are welcome to apply again.",
    ),
    (
        "联系不上",
        "{name}您好，{organisation}多次打电话联系您报名的“{job}”，都没有接通，"
        "这次报名先结束。如果您还想去，欢迎重新报名。",
        "Could not be reached",
        "Hello {name}, {organisation} called you several times about your application for "
        "“{job}” but could not get through, so this application is closed for now. If you are "
        "still interested, you are welcome to apply again.",
    ),
    (
        "面试未通过",
        "{name}您好，感谢您参加{organisation}“{job}”的面试。很遗憾这次没有通过，"
        "祝您早日找到合适的工作。",
        "Did not pass the interview",
        "Hello {name}, thank you for interviewing with {organisation} for “{job}”. "
        "Unfortunately you did not pass this time. We wish you luck finding the right job soon.",
    ),
    (
        "其他原因",
        "{name}您好，感谢您报名{organisation}的“{job}”。经过考虑，这次暂时不合适，"
        "欢迎关注我们的其他岗位。",
        "Other reason",
        "Hello {name}, thank you for applying for “{job}” at {organisation}. After "
        "consideration, it is not a fit this time. You are welcome to look at our other jobs.",
    ),
)


def forwards(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    RejectionReason = apps.get_model("hiring", "RejectionReason")
    for name, message, english_name, english_message in DEFAULTS:
        RejectionReason.objects.filter(name=english_name, message_template=english_message).update(
            name=name, message_template=message
        )
    unseeded = Organisation.objects.filter(verified_at__isnull=False).exclude(
        pk__in=RejectionReason.objects.values("organisation_id")
    )
    RejectionReason.objects.bulk_create(
        RejectionReason(organisation=organisation, name=name, message_template=message, order=i)
        for organisation in unseeded.iterator()
        for i, (name, message, _en, _en_message) in enumerate(DEFAULTS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_phonecodelock_organisation_reviewed_at_and_more"),
        ("hiring", "0002_pipeline"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
