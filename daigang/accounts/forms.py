"""Forms only parse and check input; the services decide."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daigang.accounts.models import Membership, Organisation, OrganisationDocument
from daigang.accounts.uploads import document_upload_check
from daigang.accounts.uscc import uscc_normalize, validate_uscc
from daigang.core.phones import phone_normalize
from daigang.regions.models import Region
from daigang.regions.selectors import region_for_filter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Mobile, landline with area code (optional extension), or a 400 service number.
_CONTACT_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|400-?\d{3}-?\d{4})$")
_ACCEPT = "image/jpeg,image/png,application/pdf"


class _Form(forms.Form):
    """No ":" after labels; Chinese labels read better without it."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PhoneForm(_Form):
    phone = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "tel",
                "autocomplete": "tel",
                "placeholder": gettext_lazy("11位手机号"),
                "autofocus": True,
            }
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data["phone"])


class CodeForm(_Form):
    phone = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "placeholder": gettext_lazy("6位数字"),
                "autofocus": True,
            }
        ),
    )
    name = forms.CharField(
        label=gettext_lazy("姓名（选填）"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data["phone"])

    def clean_code(self) -> str:
        # NFKC: a Chinese IME may type full-width digits.
        code = re.sub(r"\s", "", unicodedata.normalize("NFKC", self.cleaned_data["code"]))
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ValidationError(_("请输入短信中的6位数字验证码"))
        return code


def _licence_field(label: StrOrPromise, required: bool) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=gettext_lazy("JPG、PNG 或 PDF，不超过 10 MB；可直接拍照"),
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )


def _checked_file(file):  # type: ignore[no-untyped-def]
    if file:
        document_upload_check(file=file)
    return file


class OrganisationDetailsForm(_Form):
    name = forms.CharField(label=gettext_lazy("单位名称（与营业执照一致）"), max_length=100)
    kind = forms.ChoiceField(
        label=gettext_lazy("单位类型"), choices=Organisation.Kind.choices, widget=forms.RadioSelect
    )
    uscc = forms.CharField(
        label=gettext_lazy("统一社会信用代码"),
        max_length=40,
        help_text=gettext_lazy("18位，见营业执照"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50)
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("单位简介（选填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # A labour agency's 人力资源服务许可证, as printed on it (companies leave these empty).
    hr_licence_number = forms.CharField(
        label=gettext_lazy("人力资源服务许可证编号（人力资源服务机构必填）"),
        max_length=50,
        required=False,
    )
    hr_licence_issuer = forms.CharField(
        label=gettext_lazy("许可证发证机关（人力资源服务机构必填）"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("例如：福州市人力资源和社会保障局"),
    )
    hr_licence_expires_on = forms.DateField(
        label=gettext_lazy("许可证有效期至（人力资源服务机构必填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Organisation.Kind.AGENCY:
            required = {
                "hr_licence_number": _("请填写人力资源服务许可证编号"),
                "hr_licence_issuer": _("请填写人力资源服务许可证的发证机关"),
                "hr_licence_expires_on": _("请填写人力资源服务许可证的有效期"),
            }
            for name, message in required.items():
                if (
                    not cleaned.get(name)
                    and name not in self.errors
                    and not self.fields[name].disabled
                ):
                    self.add_error(name, message)
        return cleaned

    def clean_uscc(self) -> str:
        uscc = uscc_normalize(self.cleaned_data["uscc"])
        validate_uscc(uscc)
        return uscc

    def clean_contact_phone(self) -> str:
        phone = re.sub(r"[\s()（）]", "", self.cleaned_data["contact_phone"])
        phone = phone.removeprefix("+86")
        if not _CONTACT_PHONE_RE.match(phone):
            raise ValidationError(
                _("请填写手机号或带区号的固定电话，如 13800000000 或 0591-87654321")
            )
        return phone


class OrganisationRegisterForm(OrganisationDetailsForm):
    region = forms.CharField(
        label=gettext_lazy("所辖地区（公共就业服务机构必填）"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("填写地区名称或6位区划代码，如 甘肃省、兰州市、620102"),
    )
    business_licence = _licence_field(
        gettext_lazy("营业执照（公共就业服务机构上传事业单位法人证书）"), required=True
    )
    hr_service_licence = _licence_field(
        gettext_lazy("人力资源服务许可证（劳务派遣·人力资源服务机构必填）"), required=False
    )

    def clean_region(self) -> Region | None:
        value = self.cleaned_data.get("region", "").strip()
        if not value:
            return None
        region = region_for_filter(value=value)
        if region is None or not region.is_current:
            raise ValidationError(_("找不到这个地区，请填写省、市或区县的全称，或6位区划代码"))
        return region

    def clean_business_licence(self):  # type: ignore[no-untyped-def]
        return _checked_file(self.cleaned_data["business_licence"])

    def clean_hr_service_licence(self):  # type: ignore[no-untyped-def]
        return _checked_file(self.cleaned_data.get("hr_service_licence"))

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("kind") == Organisation.Kind.AGENCY
            and not cleaned.get("hr_service_licence")
            and "hr_service_licence" not in self.errors
        ):
            self.add_error(
                "hr_service_licence",
                _("劳务派遣·人力资源服务机构须上传人力资源服务许可证"),
            )
        if (
            cleaned.get("kind") == Organisation.Kind.BUREAU
            and not cleaned.get("region")
            and "region" not in self.errors
        ):
            self.add_error("region", _("公共就业服务机构须填写所辖地区"))
        return cleaned


class OrganisationEditForm(OrganisationDetailsForm):
    def __init__(self, *args, legal_locked: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if legal_locked:
            # Verified: what the moderator checked cannot be changed here.
            for field in (
                "name",
                "kind",
                "uscc",
                "hr_licence_number",
                "hr_licence_issuer",
                "hr_licence_expires_on",
            ):
                self.fields[field].disabled = True


class DocumentForm(_Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("证件类型"), choices=OrganisationDocument.Kind.choices
    )
    file = _licence_field(gettext_lazy("文件"), required=True)

    def clean_file(self):  # type: ignore[no-untyped-def]
        return _checked_file(self.cleaned_data["file"])


class MemberAddForm(_Form):
    phone = forms.CharField(
        label=gettext_lazy("成员手机号"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "placeholder": gettext_lazy("11位手机号")}
        ),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        choices=[
            (Membership.Role.HR.value, Membership.Role.HR.label),
            (Membership.Role.ANCHOR.value, Membership.Role.ANCHOR.label),
        ],
    )

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A bureau's own roles, and a labour agency's matchmakers (劳务经纪人 / 就业服务专员).
        roles: list[str] = [Membership.Role.HR, Membership.Role.ANCHOR]
        if organisation is not None and organisation.kind == Organisation.Kind.BUREAU:
            roles += [Membership.Role.OPERATOR, Membership.Role.MATCHMAKER, Membership.Role.VIEWER]
        elif organisation is not None and organisation.kind == Organisation.Kind.AGENCY:
            roles += [Membership.Role.MATCHMAKER]
        field = cast(forms.ChoiceField, self.fields["role"])
        field.choices = [
            (Membership.Role(role).value, Membership.Role(role).label) for role in roles
        ]

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data["phone"])


class ApproveForm(_Form):
    licence_checked = forms.BooleanField(
        label=gettext_lazy("已核对：许可证编号、发证机关、有效期与上传的人力资源服务许可证一致"),
        required=False,
    )


class RejectForm(_Form):
    reason = forms.CharField(
        label=gettext_lazy("驳回原因（单位会看到）"),
        max_length=500,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": gettext_lazy("例如：营业执照照片不清晰，请重新拍摄上传"),
            }
        ),
    )
