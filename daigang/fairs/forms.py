"""Forms of the fair pages. They only parse input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daigang.fairs.models import TargetGroup


class FairForm(forms.Form):
    title = forms.CharField(label=_("招聘会名称"), max_length=80)
    target_group = forms.ChoiceField(label=_("服务对象"), choices=TargetGroup.choices)
    region = forms.CharField(
        label=_("地区"),
        max_length=40,
        help_text=_("本机构所辖地区或其下级：地区名称或6位区划代码"),
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    description = forms.CharField(
        label=_("简介（选填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    poster = forms.FileField(
        label=_("海报（选填）"),
        required=False,
        help_text=_("JPG 或 PNG 图片，不超过10MB；不选则保留原海报"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    parent = forms.IntegerField(
        label=_("所属联动招聘会编号（选填）"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("三级联动：填写上级机构招聘会的编号，本场会显示在其中并计入其统计"),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过审核")), ("reject", _("不予通过"))])
    note = forms.CharField(label=_("说明（选填）"), required=False, max_length=200)


class RoomAddForm(forms.Form):
    room = forms.IntegerField(label=_("直播间"), min_value=1, max_value=2**31 - 1)


class InviteForm(forms.Form):
    label = forms.CharField(label=_("学校或院系"), max_length=60)
