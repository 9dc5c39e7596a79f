"""A seeker's own profile (求职资料): saved whole, as often as they like.

`seeker_profile_save` replaces every field with what it is given (a PUT): saving the same
thing twice leaves the same row, so a retried request is harmless. Nothing here is required;
a seeker who never saves a profile loses nothing (applying never asks for it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import SeekerProfile, User
from daigang.core.refused import Refused
from daigang.regions.selectors import region_get

LIST_MAX_ITEMS = 10
ITEM_MAX_LENGTH = 20
WORK_HISTORY_MAX = 1000
WAGE_WANTED_MAX = 200_000
BIRTH_YEAR_MIN = 1940


@dataclass
class ProfileData:
    """Everything a profile says; empty values mean "not said"."""

    name: str = ""
    birth_year: int | None = None
    home_region: str = ""  # a region code
    current_city: str = ""
    work_kinds: list[str] = field(default_factory=list)
    wage_wanted: int | None = None
    needs: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    work_history: str = ""


def seeker_profile_of(*, user: User) -> SeekerProfile | None:
    if not user.is_authenticated:
        return None
    return SeekerProfile.objects.filter(user=user).select_related("home_region").first()


def _words(values: list[str], *, field_name: str, label: str) -> list[str]:
    """Trimmed, de-duplicated, in the order given; too many or too long is refused."""
    seen: list[str] = []
    for raw in values:
        word = " ".join(str(raw).split())
        if not word or word in seen:
            continue
        if len(word) > ITEM_MAX_LENGTH:
            raise Refused(
                "too_long",
                _("%(label)s每项最多%(max)d个字") % {"label": label, "max": ITEM_MAX_LENGTH},
                field=field_name,
            )
        seen.append(word)
    if len(seen) > LIST_MAX_ITEMS:
        raise Refused(
            "too_many",
            _("%(label)s最多填%(max)d项") % {"label": label, "max": LIST_MAX_ITEMS},
            field=field_name,
        )
    return seen


def _choices(values: list[str], *, allowed: list[str], field_name: str) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise Refused(
            "invalid_choice", _("没有这个选项：%(value)s") % {"value": unknown[0]}, field=field_name
        )
    return [value for value in allowed if value in values]


def seeker_profile_save(
    *, user: User, data: ProfileData, now: dt.datetime | None = None
) -> SeekerProfile:
    """Check `data` and make it the user's whole profile (created on first save).

    Refused (400, with the field) when something is out of range; nothing is saved then.
    """
    now = now or timezone.now()
    name = " ".join(data.name.split())
    if len(name) > 50:
        raise Refused("too_long", _("姓名最多50个字"), field="name")
    if data.birth_year is not None and not (BIRTH_YEAR_MIN <= data.birth_year <= now.year - 14):
        raise Refused("invalid_birth_year", _("请填写正确的出生年份"), field="birth_year")
    region = None
    if data.home_region:
        region = region_get(code=data.home_region)
        if region is None:
            raise Refused("invalid_region", _("没有这个地区"), field="home_region")
    current_city = " ".join(data.current_city.split())
    if len(current_city) > 50:
        raise Refused("too_long", _("所在城市最多50个字"), field="current_city")
    if data.wage_wanted is not None and not (0 < data.wage_wanted <= WAGE_WANTED_MAX):
        raise Refused("invalid_wage", _("请填写正确的期望月薪"), field="wage_wanted")
    work_history = data.work_history.strip()
    if len(work_history) > WORK_HISTORY_MAX:
        raise Refused(
            "too_long",
            _("工作经历最多%(max)d个字") % {"max": WORK_HISTORY_MAX},
            field="work_history",
        )
    values = {
        "name": name,
        "birth_year": data.birth_year,
        "home_region": region,
        "current_city": current_city,
        "work_kinds": _words(data.work_kinds, field_name="work_kinds", label=_("工种")),
        "wage_wanted": data.wage_wanted,
        "needs": _choices(data.needs, allowed=list(SeekerProfile.Need.values), field_name="needs"),
        "target_groups": _choices(
            data.target_groups,
            allowed=list(SeekerProfile.TargetGroup.values),
            field_name="target_groups",
        ),
        "certificates": _words(data.certificates, field_name="certificates", label=_("证书")),
        "work_history": work_history,
    }
    with transaction.atomic():
        profile, created = SeekerProfile.objects.select_for_update().get_or_create(
            user=user, defaults={**values, "updated_at": now}
        )
        if created:
            return profile
        changed = [key for key, value in values.items() if getattr(profile, key) != value]
        if changed:
            for key in changed:
                setattr(profile, key, values[key])
            profile.updated_at = now
            profile.save(update_fields=[*changed, "updated_at"])
    return profile


def seeker_profile_delete(*, user: User) -> int:
    """The profile goes (account deletion); returns how many rows went."""
    deleted, _rows = SeekerProfile.objects.filter(user=user).delete()
    return deleted


def account_name_fill(*, user: User, name: str) -> None:
    """Give an account that has no name the one its person applied with: the name is asked
    once, on the first apply, and shown from then on (chat, the apply form). Never a rename:
    an account with a name keeps it (the application carries the name typed)."""
    name = name.strip()
    if user.name or not name:
        return
    User.objects.filter(pk=user.pk, name="").update(name=name)
    user.name = name
