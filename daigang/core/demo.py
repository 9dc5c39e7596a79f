"""Demo data that looks real. Idempotent: running it again changes nothing."""

from __future__ import annotations

from daigang.accounts.models import User

MODERATOR_PHONE = "13800000000"


def demo_load() -> list[str]:
    moderator, _ = User.objects.get_or_create(
        phone=MODERATOR_PHONE, defaults={"name": "审核员", "is_staff": True, "is_superuser": True}
    )
    return [
        "Demo logins (phone + the SMS code printed on this console):",
        f"  moderator  {moderator.phone}",
    ]
