"""Demo of matchmakers (就业服务专员): the 甘肃 bureaus' matchmakers with a caseload each.

兰州's matchmaker follows three seekers (the demo seeker 张伟 among them) with profiles and
follow-ups, one overdue; a fourth, assigned, still has to agree. 天水's follows one. Loading
again adds nothing (rows are found by phone, bureau and fixed client keys).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, SeekerProfile, User
from daigang.accounts.services.profiles import ProfileData, seeker_profile_save
from daigang.matchmaking.models import Case, FollowUp
from daigang.matchmaking.services import consent_text, invite_link_for


@dataclass(frozen=True)
class DemoSeeker:
    phone: str
    name: str
    profile: ProfileData
    consented: bool = True
    # (kind, note, days ago, next follow-up in days from today; negative: overdue)
    follow_up: tuple[str, str, int, int] | None = None


@dataclass(frozen=True)
class DemoMatchmaker:
    bureau: str  # the bureau's name (daigang.demo.fairs.BUREAUS)
    phone: str
    name: str
    seekers: tuple[DemoSeeker, ...]


MATCHMAKERS = (
    DemoMatchmaker(
        "兰州市公共就业服务中心",
        "13600000012",
        "周专员",
        (
            DemoSeeker(
                "13700000001",
                "张伟",
                ProfileData(
                    name="张伟",
                    birth_year=1994,
                    home_region="620102",
                    current_city="兰州",
                    work_kinds=["普工", "叉车工"],
                    wage_wanted=5000,
                    needs=["board"],
                    certificates=["叉车证"],
                    work_history="在东莞电子厂做过两年普工",
                ),
                follow_up=("call", "想找包吃住的厂，下周有空面试", 2, 3),
            ),
            DemoSeeker(
                "13700000011",
                "马小军",
                ProfileData(
                    name="马小军",
                    birth_year=2002,
                    home_region="620103",
                    work_kinds=["电工"],
                    wage_wanted=6000,
                    target_groups=["graduates"],
                    certificates=["电工证"],
                ),
                follow_up=("visit", "上门了解情况，需要长白班", 9, -2),
            ),
            DemoSeeker(
                "13700000012",
                "杨红梅",
                ProfileData(
                    name="杨红梅",
                    birth_year=1988,
                    home_region="620102",
                    needs=["couple_rooms", "day_shift"],
                    target_groups=["women", "lifted"],
                ),
                follow_up=("message", "发了两个夫妻间岗位", 1, 5),
            ),
            DemoSeeker("13700000013", "王磊", ProfileData(), consented=False),
        ),
    ),
    DemoMatchmaker(
        "天水市公共就业服务中心",
        "13600000013",
        "赵专员",
        (
            DemoSeeker(
                "13700000014",
                "李娜",
                ProfileData(name="李娜", birth_year=1999, target_groups=["veterans"]),
                follow_up=("note", "退役军人，想做安保", 3, 1),
            ),
        ),
    ),
)


def _user(phone: str, name: str) -> User:
    user, _created = User.objects.get_or_create(phone=phone, defaults={"name": name})
    return user


def demo_matchmaking_load() -> list[str]:
    """The matchmakers and their caseloads; returns the lines to print."""
    now = timezone.now()
    today = timezone.localdate(now)
    lines = ["Matchmakers (就业服务专员): logins"]
    for spec in MATCHMAKERS:
        bureau = Organisation.objects.filter(
            name=spec.bureau, kind=Organisation.Kind.BUREAU
        ).first()
        if bureau is None:
            continue
        user = _user(spec.phone, spec.name)
        membership, _created = Membership.objects.get_or_create(
            organisation=bureau, user=user, defaults={"role": Membership.Role.MATCHMAKER}
        )
        link = invite_link_for(membership=membership)
        for seeker_spec in spec.seekers:
            seeker = _user(seeker_spec.phone, seeker_spec.name)
            if not SeekerProfile.objects.filter(user=seeker).exists():
                seeker_profile_save(user=seeker, data=seeker_spec.profile)
            joined = now - dt.timedelta(days=14)
            case, created = Case.objects.get_or_create(
                membership=membership,
                seeker=seeker,
                defaults={
                    "via": Case.Via.ASSIGNED if not seeker_spec.consented else Case.Via.INVITE,
                    "created_at": joined,
                },
            )
            if created and seeker_spec.consented:
                case.consent_text = consent_text(membership=membership)
                case.consented_at = joined
                case.save(update_fields=["consent_text", "consented_at"])
            if seeker_spec.follow_up is not None and seeker_spec.consented:
                kind, note, days_ago, next_in = seeker_spec.follow_up
                at = now - dt.timedelta(days=days_ago)
                _follow_up, made = FollowUp.objects.get_or_create(
                    case=case,
                    client_key="demo",
                    defaults={
                        "kind": kind,
                        "note": note,
                        "at": at,
                        "by": user,
                        "next_on": today + dt.timedelta(days=next_in),
                    },
                )
                if made:
                    case.next_follow_up_on = today + dt.timedelta(days=next_in)
                    if kind != FollowUp.Kind.NOTE:
                        case.last_contact_at = at
                    case.save(update_fields=["next_follow_up_on", "last_contact_at"])
        lines.append(
            f"  matchmaker {user.phone}  {user.name} · {bureau.name}: /manage/{bureau.pk}/caseload/"
            f" · invite /m/{link.token}/"
        )
    return lines
