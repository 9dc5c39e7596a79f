"""Forms of the course pages. They only parse input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.courses.models import Course, CourseProvider, Lesson
from daigang.live.models import Room


class CourseForm(forms.Form):
    """A course's details; for a training organisation approved by more than one bureau, a
    new course also says which bureau it is published under."""

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

    def __init__(
        self, *args: object, providers: list[CourseProvider] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.providers = {str(p.pk): p for p in providers or []}
        if len(self.providers) > 1:
            self.fields["provider"] = forms.ChoiceField(
                label=_("审核的人社局"),
                choices=[(key, p.bureau.name) for key, p in self.providers.items()],
            )

    def provider_chosen(self) -> CourseProvider | None:
        if len(self.providers) == 1:
            return next(iter(self.providers.values()))
        return self.providers.get(str(self.cleaned_data.get("provider", "")))


class ProviderRequestForm(forms.Form):
    bureau = forms.ChoiceField(label=_("申请审核的人社局"))
    note = forms.CharField(
        label=_("申请说明（选填）"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：办学许可证编号、开设的工种、师资"),
    )

    def __init__(self, *args: object, bureaus: list, **kwargs: object) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.bureaus = {str(b.pk): b for b in bureaus}
        self.fields["bureau"].choices = [  # type: ignore[attr-defined]
            (key, f"{b.name}（{b.region.name}）" if b.region else b.name)
            for key, b in self.bureaus.items()
        ]


class ProviderDecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("批准")), ("refuse", _("不批准")), ("revoke", _("撤销"))]
    )
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)


class LessonForm(forms.Form):
    """A lesson: a video, a text, or one of the publisher's rooms (直播, then its replay)."""

    title = forms.CharField(label=_("课时名称"), max_length=80)
    kind = forms.ChoiceField(label=_("类型"), choices=Lesson.Kind.choices, widget=forms.RadioSelect)
    room = forms.ChoiceField(
        label=_("直播间（直播课时）"),
        required=False,
        help_text=_("直播结束、回放生成后，学员在课时里看回放"),
    )
    video = forms.FileField(
        label=_("视频（MP4、MOV 或 WebM，最大 100 MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm"}),
    )
    body = forms.CharField(
        label=_("正文"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args: object, rooms: list[Room] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rooms = {str(room.pk): room for room in rooms or []}
        self.fields["room"].choices = [  # type: ignore[attr-defined]
            ("", _("不是直播课时")),
            *(
                (
                    key,
                    f"{room.title}（{timezone.localtime(room.planned_start):%Y-%m-%d %H:%M}，"
                    f"{room.get_state_display()}）",
                )
                for key, room in self.rooms.items()
            ),
        ]

    def room_chosen(self) -> Room | None:
        return self.rooms.get(str(self.cleaned_data.get("room") or ""))


class ProgressForm(forms.Form):
    position = forms.FloatField(min_value=0, max_value=24 * 3600)
    ended = forms.BooleanField(required=False)


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("证书PDF文件"))


class AttachForm(forms.Form):
    application = forms.IntegerField(min_value=1)
