"""Forms of the apply page. They only parse input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from daigang.core.phones import phone_normalize
from daigang.hiring.apply.services import NAME_MAX_LENGTH, source_clean
from daigang.hiring.models import IDEMPOTENCY_KEY_MAX_LENGTH


class ApplyForm(forms.Form):
    """What a logged-in seeker sends: their phone is already verified."""

    name = forms.CharField(
        label=_("姓名"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("怎么称呼您")}),
        error_messages={"required": _("请填写姓名")},
    )
    # Ticked by the seeker, or not needed when they consented to this organisation before
    # (the view hides the box then and the service records that earlier consent).
    consent = forms.BooleanField(required=False)
    # Rendered once with the form: a double tap or a browser retry sends the same key.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=IDEMPOTENCY_KEY_MAX_LENGTH
    )
    room = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Where the seeker came from ("fair:12"): attribution, not typed by the seeker, so a
    # malformed value is dropped rather than shown as an error.
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def clean_source(self) -> str:
        return source_clean(self.cleaned_data.get("source"))


class AnonymousApplyForm(ApplyForm):
    """A viewer without an account: name + phone + SMS code, logged in as they apply."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "138xxxxxxxx"}
        ),
        error_messages={"required": _("请填写手机号")},
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        error_messages={"required": _("请输入短信验证码")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )

    field_order = ("name", "phone", "code", "consent", "idempotency_key", "room", "source")

    def clean_phone(self) -> str:
        try:
            return phone_normalize(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_phone") from exc


class SendCodeForm(forms.Form):
    """The "获取验证码" button posts the same form; only the phone matters then."""

    phone = AnonymousApplyForm.base_fields["phone"]

    clean_phone = AnonymousApplyForm.clean_phone
