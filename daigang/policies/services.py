"""Writes of policies: create, edit, publish, unpublish. Every text goes through the content
rules a seeker's texts go through (a policy never asks for money nor offers a loan)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.refused import Refused
from daigang.jobs.search import organisation_name_for_search, search_text_build
from daigang.policies.models import Policy
from daigang.policies.rooms import policy_unpinned_everywhere
from daigang.regions.models import Region
from daigang.regions.selectors import region_prefix
from daigang.rules.refusals import fields_check
from daigang.rules.terms import MONEY_RULES

TEXT_FIELDS = ("title", "summary", "eligibility", "how_to_apply")


def _power_check(*, user: User, bureau: Organisation) -> None:
    if bureau.kind != Organisation.Kind.BUREAU or not membership_has(
        user=user, organisation_id=bureau.pk, power=Power.POLICIES_WRITE
    ):
        raise Refused("forbidden", _("只有本机构的管理员或运营人员可以编辑政策"), status=404)


def _labels() -> dict[str, str]:
    return {
        "title": _("政策名称"),
        "summary": _("一句话说明"),
        "eligibility": _("谁可以申请"),
        "how_to_apply": _("怎么申请"),
    }


def _clean(
    *,
    bureau: Organisation,
    region: Region | None,
    kind: str,
    texts: dict[str, str],
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> dict[str, Any]:
    """The fields to save, or ValidationError keyed by field (every error at once)."""
    labels = _labels()
    cleaned = {name: (texts.get(name) or "").strip() for name in TEXT_FIELDS}
    errors: dict[str, list[str]] = {}
    for name, value in cleaned.items():
        if not value:
            errors.setdefault(name, []).append(_("请填写%(field)s") % {"field": labels[name]})
    if kind not in Policy.Kind.values:
        errors.setdefault("kind", []).append(_("请选择政策类别"))
    assert bureau.region is not None
    if region is None or not region.code.startswith(region_prefix(region=bureau.region)):
        errors.setdefault("region", []).append(_("适用地区只能是本机构所在地区或其下级地区"))
    if valid_from is None:
        errors.setdefault("valid_from", []).append(_("请填写生效日期"))
    elif valid_until is not None and valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("截止日期不能早于生效日期"))
    try:
        fields_check(
            fields={
                name: (labels[name], _loan_programmes_unnamed(cleaned[name]))
                for name in TEXT_FIELDS
            },
            rules=MONEY_RULES,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    assert region is not None
    search_text = search_text_build(
        *(cleaned[name] for name in TEXT_FIELDS),
        region.name,
        organisation_name_for_search(bureau.name),
    )
    return {
        **cleaned,
        "region": region,
        "kind": kind,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "search_text": search_text,
    }


# Public loan programmes that bureaus themselves run and explain (创业担保贷款 is a core
# employment policy): naming one is not offering a loan. Every other loan word (培训贷, 网贷,
# 贷款 on its own, …), and fees and deposits, stay refused as everywhere a seeker reads.
LOAN_PROGRAMMES = ("创业担保贷款", "国家助学贷款", "助学贷款", "贴息贷款")


def _loan_programmes_unnamed(text: str) -> str:
    for name in LOAN_PROGRAMMES:
        text = text.replace(name, "")
    return text


def policy_create(
    *,
    bureau: Organisation,
    by: User,
    region: Region | None,
    kind: str,
    title: str,
    summary: str,
    eligibility: str,
    how_to_apply: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None = None,
) -> Policy:
    """A draft policy of `bureau`. Raises ValidationError keyed by field (nothing saved)."""
    _power_check(user=by, bureau=bureau)
    fields = _clean(
        bureau=bureau,
        region=region,
        kind=kind,
        texts={
            "title": title,
            "summary": summary,
            "eligibility": eligibility,
            "how_to_apply": how_to_apply,
        },
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return Policy.objects.create(bureau=bureau, created_by=by, **fields)


def policy_edit(
    *,
    policy: Policy,
    by: User,
    region: Region | None,
    kind: str,
    title: str,
    summary: str,
    eligibility: str,
    how_to_apply: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None = None,
) -> Policy:
    """Change a policy (published ones too: the page shows the new text at once)."""
    _power_check(user=by, bureau=policy.bureau)
    fields = _clean(
        bureau=policy.bureau,
        region=region,
        kind=kind,
        texts={
            "title": title,
            "summary": summary,
            "eligibility": eligibility,
            "how_to_apply": how_to_apply,
        },
        valid_from=valid_from,
        valid_until=valid_until,
    )
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.save()
    return locked


def policy_publish(*, policy: Policy, by: User) -> Policy:
    """Make the policy public. Idempotent: publishing a published policy changes nothing.

    The bureau must be verified (as for jobs and fairs): the public trusts what it reads.
    """
    _power_check(user=by, bureau=policy.bureau)
    if not policy.bureau.is_verified():
        raise Refused("bureau_unverified", _("机构尚未通过认证，不能发布政策"))
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        if locked.state == Policy.State.PUBLISHED:
            return locked
        now = timezone.now()
        locked.state = Policy.State.PUBLISHED
        locked.published_at = now
        locked.updated_at = now
        locked.save(update_fields=["state", "published_at", "updated_at"])
    return locked


def policy_unpublish(*, policy: Policy, by: User) -> Policy:
    """Take the policy back to draft: it leaves the public lists and pages. Idempotent."""
    _power_check(user=by, bureau=policy.bureau)
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        if locked.state == Policy.State.DRAFT:
            return locked
        locked.state = Policy.State.DRAFT
        locked.updated_at = timezone.now()
        locked.save(update_fields=["state", "updated_at"])
        policy_unpinned_everywhere(policy=locked)
    return locked
