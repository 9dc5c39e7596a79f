from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation
from daigang.live import selectors


class _AnchorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.name or _("未填姓名")
        return _("%(name)s（%(phone)s）") % {"name": name, "phone": obj.masked_phone}


class _JobChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} · {obj.city}"


class RoomScheduleForm(forms.Form):
    """Parses the scheduling form; the rules live in services.room_schedule."""

    title = forms.CharField(label=_("直播标题"), max_length=80)
    planned_start = forms.DateTimeField(
        label=_("计划开播时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    jobs = _JobChoice(
        label=_("本场岗位"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只列出本单位正在招聘中的岗位"),
    )
    anchors = _AnchorChoice(
        label=_("主播"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一位主播")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields is typed as plain Fields; these two are the choice fields declared above.
        jobs = cast(_JobChoice, self.fields["jobs"])
        jobs.queryset = selectors.jobs_schedulable(organisation=organisation)
        anchors = cast(_AnchorChoice, self.fields["anchors"])
        anchors.queryset = selectors.anchors_possible(organisation=organisation)
        self.fields["jobs"].error_messages["invalid_choice"] = _("只能选择本单位正在招聘中的岗位")
        self.fields["anchors"].error_messages["invalid_choice"] = _("主播必须是本单位成员")
