"""Builders for policy tests: a bureau's policies, published or not."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, User
from daigang.policies.models import Policy
from daigang.policies.services import policy_create, policy_publish
from daigang.regions.models import Region


def bureau_owner(bureau: Organisation) -> User:
    return Membership.objects.get(organisation=bureau, role=Membership.Role.OWNER).user


def policy_make(
    *,
    bureau: Organisation,
    region: str | None = None,
    kind: str = Policy.Kind.SUBSIDY,
    title: str = "一次性求职创业补贴",
    summary: str = "毕业学年内找工作有困难的高校毕业生，每人可领1500元。",
    eligibility: str = "本省高校毕业学年的学生，城乡低保家庭成员。",
    how_to_apply: str = "在学校就业指导中心领取申请表，学校初审后报人社部门复核。",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    published: bool = True,
) -> Policy:
    """A policy of `bureau` (in the bureau's region unless `region`), published by its owner."""
    owner = bureau_owner(bureau)
    policy = policy_create(
        bureau=bureau,
        by=owner,
        region=Region.objects.get(code=region) if region else bureau.region,
        kind=kind,
        title=title,
        summary=summary,
        eligibility=eligibility,
        how_to_apply=how_to_apply,
        valid_from=valid_from or timezone.localdate() - dt.timedelta(days=10),
        valid_until=valid_until,
    )
    if published:
        policy = policy_publish(policy=policy, by=owner)
    return policy
