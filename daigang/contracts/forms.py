"""Forms only parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from daigang.contracts.models import TERM_MONTHS_MAX, CheckIn, ContractKind, Signature
from daigang.contracts.services import CheckInAnswers, OfferTerms
from daigang.jobs.models import Board, PaySchedule, Shift, WageUnit
from daigang.jobs.wages import wage_range_parse, yuan_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def form_errors_add(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: keyed errors on their fields when the
    form has them, everything else on top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class OfferForm(forms.Form):
    job_title = forms.CharField(label=_("岗位名称"), max_length=60)
    kind_of_work = forms.CharField(label=_("工种"), max_length=30, required=False)
    wage_min = forms.CharField(label=_("工价（元）"), max_length=20)
    wage_max = forms.CharField(label=_("最高工价（元，可不填）"), max_length=20, required=False)
    wage_unit = forms.ChoiceField(label=_("工价单位"), choices=WageUnit.choices)
    pay_schedule = forms.ChoiceField(label=_("结算方式"), choices=PaySchedule.choices)
    shift = forms.ChoiceField(label=_("班次"), choices=Shift.choices)
    board = forms.ChoiceField(label=_("食宿"), choices=Board.choices)
    couple_rooms = forms.BooleanField(label=_("提供夫妻间"), required=False)
    province = forms.CharField(label=_("省"), max_length=20)
    city = forms.CharField(label=_("市"), max_length=20)
    district = forms.CharField(label=_("区县"), max_length=20, required=False)
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    start_date = forms.DateField(
        label=_("到岗日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_months = forms.IntegerField(
        label=_("合同期限（月）"), min_value=1, max_value=TERM_MONTHS_MAX
    )
    client_name = forms.CharField(
        label=_("用工单位（劳务派遣时填写）"), max_length=100, required=False
    )
    note = forms.CharField(
        label=_("其他约定"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_from(cls, terms: OfferTerms) -> dict[str, Any]:
        return {
            "job_title": terms.job_title,
            "kind_of_work": terms.kind_of_work,
            "wage_min": yuan_text(terms.wage_min_fen),
            "wage_max": ""
            if terms.wage_max_fen == terms.wage_min_fen
            else yuan_text(terms.wage_max_fen),
            "wage_unit": terms.wage_unit,
            "pay_schedule": terms.pay_schedule,
            "shift": terms.shift,
            "board": terms.board,
            "couple_rooms": terms.couple_rooms,
            "province": terms.province,
            "city": terms.city,
            "district": terms.district,
            "address": terms.address,
            "start_date": terms.start_date.isoformat(),
            "term_months": terms.term_months,
            "client_name": terms.client_name,
            "note": terms.note,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "wage_min" in data:
            try:
                data["wage_min_fen"], data["wage_max_fen"] = wage_range_parse(
                    min_raw=data["wage_min"], max_raw=data.get("wage_max", "")
                )
            except ValidationError as exc:
                form_errors_add(self, exc)
        return data

    def terms(self) -> OfferTerms:
        data = self.cleaned_data
        return OfferTerms(
            job_title=data["job_title"],
            kind_of_work=data["kind_of_work"],
            wage_min_fen=data["wage_min_fen"],
            wage_max_fen=data["wage_max_fen"],
            wage_unit=data["wage_unit"],
            pay_schedule=data["pay_schedule"],
            shift=data["shift"],
            board=data["board"],
            couple_rooms=data["couple_rooms"],
            province=data["province"],
            city=data["city"],
            district=data["district"],
            address=data["address"],
            start_date=data["start_date"],
            term_months=data["term_months"],
            client_name=data["client_name"],
            note=data["note"],
        )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("原因（可不填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(label=_("签署人姓名"), max_length=50)
    method = forms.ChoiceField(
        label=_("签名方式"),
        choices=Signature.Method.choices,
        initial=Signature.Method.TAPPED,
        widget=forms.RadioSelect,
    )
    # The canvas drawing as a PNG data URL, filled in by signature.js.
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("我已阅读并同意以上全部内容，自愿签署"),
        error_messages={"required": _("请先勾选“我已阅读并同意”")},
    )


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(choices=ContractKind.choices, widget=forms.HiddenInput)
    title = forms.CharField(label=_("合同标题"), max_length=60)
    body = forms.CharField(label=_("合同正文"), widget=forms.Textarea(attrs={"rows": 24}))


class OnboardForm(forms.Form):
    started_on = forms.DateField(
        label=_("入职日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


_ANSWER_WIDGET = forms.RadioSelect


def _answer_field(question: StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=question,
        choices=CheckIn.Answer.choices,
        widget=_ANSWER_WIDGET,
        error_messages={"required": _("请选择一个回答")},
    )


def _comment_field() -> forms.CharField:
    return forms.CharField(label=_("补充说明（可不填）"), required=False, max_length=500)


class CheckInForm(forms.Form):
    wage = _answer_field(_("工资和招聘时说的一样吗？"))
    wage_comment = _comment_field()
    board = _answer_field(_("吃住和招聘时说的一样吗？"))
    board_comment = _comment_field()
    work = _answer_field(_("工作内容和招聘时说的一样吗？"))
    work_comment = _comment_field()

    def answers(self) -> CheckInAnswers:
        data = self.cleaned_data
        return CheckInAnswers(
            wage=data["wage"],
            board=data["board"],
            work=data["work"],
            wage_comment=data["wage_comment"],
            board_comment=data["board_comment"],
            work_comment=data["work_comment"],
        )


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("选择要核验的PDF文件"))
