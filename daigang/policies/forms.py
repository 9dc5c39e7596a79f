"""Forms of the policy pages. They only parse input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daigang.policies.models import Policy


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("政策名称"), max_length=80)
    kind = forms.ChoiceField(label=_("政策类别"), choices=Policy.Kind.choices)
    region = forms.CharField(
        label=_("适用地区"),
        max_length=40,
        help_text=_("本机构所辖地区或其下级：地区名称或6位区划代码"),
    )
    summary = forms.CharField(
        label=_("一句话说明"),
        max_length=400,
        help_text=_("用大白话说清楚：能拿到什么、多少钱"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    eligibility = forms.CharField(
        label=_("谁可以申请"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    how_to_apply = forms.CharField(
        label=_("怎么申请"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    valid_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("截止日期（选填）"),
        required=False,
        help_text=_("不填为长期有效；过期后不再出现在政策列表中"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PolicySearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=50)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Policy.Kind.choices])
    region = forms.CharField(required=False, max_length=20)
