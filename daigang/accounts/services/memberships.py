"""Who belongs to an organisation, and in which role."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.services.organisations import organisation_owner_check
from daigang.accounts.services.phone_codes import user_get_or_create
from daigang.core.phones import phone_normalize
from daigang.core.refused import Refused

Role = Membership.Role

# Called with the removed membership (its row already deleted) inside the removing
# transaction. Domains above accounts take back what the member held in the organisation
# (live: room anchors and their stream keys, sockets, the publisher on air; interviews: seats on
# panels still to come, call sockets), so accounts imports none of them. A hook that reaches
# beyond the database (closing sockets, dropping a publisher) does that on commit.
membership_removed_hooks: list[Callable[[Membership], object]] = []


def membership_add(*, organisation: Organisation, phone: str, role: str, by: User) -> Membership:
    """The owner adds someone by phone number (creating their account if they have none).

    Adding someone already in the organisation sets their role; adding them again with the
    same role changes nothing. An owner's role is not changed here.
    """
    organisation_owner_check(organisation=organisation, by=by)
    if role not in Role.values:
        raise Refused("role", _("请选择角色"))
    try:
        phone = phone_normalize(phone)
    except ValidationError as exc:
        raise Refused("invalid_phone", exc.messages[0]) from exc
    user = user_get_or_create(phone=phone)
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role, "created_at": timezone.now()}
    )
    if created or membership.role == role:
        return membership
    if membership.role == Role.OWNER:
        raise Refused("owner_role", _("不能在这里更改管理员的角色"))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    """The owner removes an HR or anchor member. Owners cannot be removed here, so an
    organisation always keeps one.

    Every power came from the membership row, checked on each request, so it ends with the
    row; membership_removed_hooks also take back, in the same transaction, what the member
    held beyond it (see there). Removing someone no longer a member changes nothing.
    """
    organisation_owner_check(organisation=membership.organisation, by=by)
    if membership.role == Role.OWNER:
        raise Refused("owner_role", _("不能移除单位管理员"))
    with transaction.atomic():
        deleted, _rows = Membership.objects.filter(pk=membership.pk).delete()
        if not deleted:
            return
        for hook in membership_removed_hooks:
            hook(membership)
