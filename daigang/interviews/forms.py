"""Forms only parse input; the services decide what is allowed (and say why, in Chinese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from daigang.interviews.models import (
    LENGTH_MAX_MINUTES,
    LENGTH_MIN_MINUTES,
    SCORE_MAX,
    SCORE_MIN,
    Verdict,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def ids_parse(raw: Any) -> list[int]:
    """ "1,2,3", ["1", "2"] or a mix → [1, 2, 3]; anything not a positive number is dropped."""
    values = raw if isinstance(raw, list | tuple) else [raw]
    ids: list[int] = []
    for value in values:
        for part in str(value or "").split(","):
            part = part.strip()
            if part.isdigit() and int(part) > 0:
                ids.append(int(part))
    return list(dict.fromkeys(ids))


class IdListField(forms.Field):
    """Several ids from checkboxes (name=…&name=…) or one comma-separated value.

    Which ids are allowed is the service's decision: it names the offending person instead
    of Django's generic "not one of the available choices".
    """

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        return ids_parse(value)


class ScheduleForm(forms.Form):
    title = forms.CharField(label=_("面试名称"), max_length=60)
    starts_at = forms.DateTimeField(
        label=_("面试时间（北京时间）"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={"invalid": _("请填写正确的日期和时间"), "required": _("请填写面试时间")},
    )
    length_minutes = forms.IntegerField(
        label=_("时长（分钟）"),
        min_value=LENGTH_MIN_MINUTES,
        max_value=LENGTH_MAX_MINUTES,
        initial=30,
        error_messages={
            "min_value": _("面试时长至少%(limit_value)s分钟"),
            "max_value": _("面试时长最多%(limit_value)s分钟"),
            "invalid": _("请填写分钟数"),
            "required": _("请填写面试时长"),
        },
    )
    interviewers = IdListField(label=_("面试官"), required=False)
    applications = IdListField(label=_("面试者"), required=False)
    notes = forms.CharField(
        label=_("面试说明（面试者也能看到）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)


class VerdictForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("结论"),
        choices=Verdict.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择面试结论"), "invalid_choice": _("请选择面试结论")},
    )
    score = forms.TypedChoiceField(
        label=_("评分"),
        choices=[(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择评分"),
            "invalid_choice": _("评分请选择1到5分"),
        },
    )
    comment = forms.CharField(
        label=_("评语"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
