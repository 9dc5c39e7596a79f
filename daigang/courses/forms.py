"""Forms of the course pages. They only parse input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daigang.courses.models import Course, Lesson


class CourseForm(forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=80)
    category = forms.ChoiceField(
        label=_("类别"), choices=Course.Category.choices, widget=forms.RadioSelect
    )
    kind_of_work = forms.CharField(
        label=_("工种（选填）"),
        max_length=30,
        required=False,
        help_text=_("如：电工、叉车、育婴、电商直播"),
    )
    description = forms.CharField(
        label=_("课程简介"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LessonForm(forms.Form):
    title = forms.CharField(label=_("课时名称"), max_length=80)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[(Lesson.Kind.VIDEO, _("视频")), (Lesson.Kind.TEXT, _("图文"))],
        widget=forms.RadioSelect,
    )
    video = forms.FileField(
        label=_("视频（MP4、MOV 或 WebM，最大 100 MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm"}),
    )
    body = forms.CharField(
        label=_("正文"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )


class ProgressForm(forms.Form):
    position = forms.FloatField(min_value=0, max_value=24 * 3600)
    ended = forms.BooleanField(required=False)


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("证书PDF文件"))


class AttachForm(forms.Form):
    application = forms.IntegerField(min_value=1)
