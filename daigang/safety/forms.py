from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daigang.safety.models import Action, Category
from daigang.safety.services import REASON_MAX, TEXT_MAX


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("举报类型"), choices=Category.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("补充说明（选填）"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    screenshot = forms.FileField(
        label=_("截图（选填，JPG 或 PNG）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: object, clauses: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if clauses:
            self.fields["clause"] = forms.TypedChoiceField(
                label=_("哪一条"),
                coerce=int,
                required=False,
                choices=[("", _("整份合同"))]
                + [(index, f"{index}. {text[:30]}") for index, text in enumerate(clauses, 1)],
            )


class DecideForm(forms.Form):
    action = forms.ChoiceField(label=_("处理"), choices=Action.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("理由（举报人和单位都会看到）"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("申诉结果"),
        choices=[("upheld", _("申诉成立，撤销处置")), ("rejected", _("驳回申诉，维持处置"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("理由"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("申诉理由"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("证据（选填，JPG、PNG 或 PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
