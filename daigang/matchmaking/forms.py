from __future__ import annotations

import re
import uuid
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import SeekerProfile
from daigang.accounts.services.profiles import ProfileData
from daigang.matchmaking.models import FollowUp
from daigang.regions.models import Region
from daigang.regions.selectors import (
    region_city_choices,
    region_district_choices,
    region_get,
    region_place,
    regions_city_choices_by_province,
    regions_provinces,
)

_SPLIT = re.compile(r"[,，、;；\s]+")


def words(text: str) -> list[str]:
    return [word for word in _SPLIT.split(text or "") if word]


class ProfileForm(forms.Form):
    """求职资料: every field may stay empty. Home region picked province → city → district
    (static regions/places.js, like the job form)."""

    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    birth_year = forms.IntegerField(
        label=_("出生年份"),
        required=False,
        min_value=1940,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "1990"}),
    )
    province = forms.ChoiceField(
        label=_("家乡：省"),
        required=False,
        widget=forms.Select(
            attrs={"data-region-child": "id_city", "data-region-list": "regions:cities"}
        ),
    )
    city = forms.ChoiceField(
        label=_("家乡：市"),
        required=False,
        widget=forms.Select(
            attrs={"data-region-child": "id_district", "data-region-list": "regions:districts"}
        ),
    )
    district = forms.ChoiceField(label=_("家乡：区县"), required=False)
    current_city = forms.CharField(label=_("现在所在城市"), max_length=50, required=False)
    work_kinds = forms.CharField(
        label=_("想做的工种"),
        max_length=300,
        required=False,
        help_text=_("用逗号或空格分隔，例如：普工，叉车工"),
    )
    wage_wanted = forms.IntegerField(
        label=_("期望月薪（元）"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "5000"}),
    )
    needs = forms.MultipleChoiceField(
        label=_("需求"),
        choices=SeekerProfile.Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("人员类别（自愿填写）"),
        choices=SeekerProfile.TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certificates = forms.CharField(
        label=_("证书"),
        max_length=300,
        required=False,
        help_text=_("用逗号或空格分隔，例如：叉车证，电工证"),
    )
    work_history = forms.CharField(
        label=_("工作经历"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("简单写几句：在哪里、做什么、做了多久"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("province", "city"):
            attrs = self.fields[name].widget.attrs
            attrs["data-region-list"] = reverse(str(attrs["data-region-list"]), args=["000000"])
        pick = [("", _("请选择"))]
        province, city = self._chosen("province"), self._chosen("city")
        fields = {
            n: cast(forms.ChoiceField, self.fields[n]) for n in ("province", "city", "district")
        }
        fields["province"].choices = pick + [(r.code, r.name) for r in regions_provinces()]
        if province is not None:
            cities: list = [(r.code, r.name) for r in region_city_choices(province=province)]
        else:
            cities = [
                (p.name, [(r.code, r.name) for r in below])
                for p, below in regions_city_choices_by_province()
            ]
        fields["city"].choices = pick + cities
        districts = region_district_choices(city=city) if city is not None else []
        fields["district"].choices = [("", _("不限/无"))] + [(r.code, r.name) for r in districts]

    def _chosen(self, name: str) -> Region | None:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return region_get(code=str(value or ""))

    @staticmethod
    def initial_from(profile: SeekerProfile | None) -> dict[str, object]:
        if profile is None:
            return {}
        initial: dict[str, object] = {
            "name": profile.name,
            "birth_year": profile.birth_year,
            "current_city": profile.current_city,
            "work_kinds": "，".join(profile.work_kinds),
            "wage_wanted": profile.wage_wanted,
            "needs": profile.needs,
            "target_groups": profile.target_groups,
            "certificates": "，".join(profile.certificates),
            "work_history": profile.work_history,
        }
        if profile.home_region is not None:
            province, city, district = region_place(region=profile.home_region)
            initial.update(
                province=province.code, city=city.code, district=district.code if district else ""
            )
        return initial

    def profile_data(self) -> ProfileData:
        data = self.cleaned_data
        home = data.get("district") or data.get("city") or ""
        return ProfileData(
            name=data.get("name") or "",
            birth_year=data.get("birth_year"),
            home_region=home,
            current_city=data.get("current_city") or "",
            work_kinds=words(data.get("work_kinds") or ""),
            wage_wanted=data.get("wage_wanted"),
            needs=list(data.get("needs") or []),
            target_groups=list(data.get("target_groups") or []),
            certificates=words(data.get("certificates") or ""),
            work_history=data.get("work_history") or "",
        )


class AssignForm(forms.Form):
    phone = forms.CharField(
        label=_("求职者手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    matchmaker = forms.TypedChoiceField(label=_("就业服务专员"), coerce=int)

    def __init__(self, *args: Any, matchmakers: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["matchmaker"])
        field.choices = [(m.pk, m.user.name or m.user.masked_phone) for m in matchmakers]


class FollowUpForm(forms.Form):
    # 职业指导 is logged by the booking itself.
    kind = forms.ChoiceField(
        label=_("方式"),
        choices=[(k, v) for k, v in FollowUp.Kind.choices if k != FollowUp.Kind.GUIDANCE],
    )
    note = forms.CharField(
        label=_("内容"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_on = forms.DateField(
        label=_("下次跟进"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"client_key": uuid.uuid4().hex})
        super().__init__(*args, **kwargs)


class RecommendForm(forms.Form):
    job = forms.TypedChoiceField(label=_("推荐岗位"), coerce=int)
    note = forms.CharField(label=_("推荐理由"), max_length=200, required=False)

    def __init__(self, *args: Any, jobs: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["job"])
        field.choices = [("", _("请选择"))] + [
            (job.pk, f"{job.title} · {job.organisation.name}") for job in jobs
        ]


class AssistanceSettingsForm(forms.Form):
    """The bureau's thresholds for its assistance list (帮扶名单); the service checks ranges."""

    applications_min = forms.IntegerField(
        label=_("报名次数至少"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    interviews_min = forms.IntegerField(
        label=_("或面试次数至少"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    window_days = forms.IntegerField(
        label=_("统计最近多少天"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


class AssistanceAssignForm(forms.Form):
    """Assign one seeker of the list to a matchmaker."""

    seeker = forms.IntegerField(widget=forms.HiddenInput)
    matchmaker = forms.TypedChoiceField(label=_("就业服务专员"), coerce=int)

    def __init__(self, *args: Any, matchmakers: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["matchmaker"])
        field.choices = [(m.pk, m.user.name or m.user.masked_phone) for m in matchmakers]


GUIDANCE_LENGTHS = (15, 20, 30, 45, 60)


class GuidanceSlotsForm(forms.Form):
    """开放职业指导时段: from a date and time, `count` back-to-back slots of `length` minutes."""

    day = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    length_minutes = forms.TypedChoiceField(
        label=_("每个时段（分钟）"),
        coerce=int,
        choices=[(n, n) for n in GUIDANCE_LENGTHS],
        initial=30,
    )
    count = forms.IntegerField(
        label=_("连续几个时段"),
        min_value=1,
        max_value=8,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    batch_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"batch_key": uuid.uuid4().hex})
        super().__init__(*args, **kwargs)
