"""Both sides sign in the browser: typed name + drawn (PNG) or tapped signature, with time
and IP recorded; the second signature completes the contract and moves the application to
已签约."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from daigang.contracts.models import Contract, Signature
from daigang.contracts.services import contract_sign
from daigang.contracts.signatures import SIGNATURE_MAX_BYTES, signature_image_clean
from daigang.contracts.testing import contract_make, data_url, hire_make, sign_both, signature_png
from daigang.hiring.models import Stage
from daigang.hiring.testing import seeker_make

pytestmark = pytest.mark.django_db


def _sign(contract, *, party, user, **overrides):  # type: ignore[no-untyped-def]
    arguments = {
        "typed_name": "张三",
        "method": Signature.Method.TAPPED,
        "ip": "203.0.113.9",
    }
    arguments.update(overrides)
    return contract_sign(contract=contract, party=party, user=user, **arguments)


def test_signing_by_both_sides_completes_the_contract_and_moves_the_application():
    # given
    hire = hire_make()
    contract = contract_make(hire)
    moment = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
    # when
    with time_machine.travel(moment, tick=False):
        contract = sign_both(hire, contract)
    # then
    assert contract.status == Contract.Status.SIGNED
    assert contract.signed_at == moment
    assert len(contract.content_sha256) == 64 and len(contract.pdf_sha256) == 64
    hire.application.refresh_from_db()
    assert hire.application.stage == Stage.SIGNED
    records = {s.party: s for s in contract.signatures.all()}
    assert records["organisation"].ip == "10.1.2.3"
    assert records["seeker"].ip == "2001:db8::7"
    assert records["organisation"].signed_at == moment
    assert records["organisation"].method == Signature.Method.DRAWN
    png = bytes(records["organisation"].image_png)
    assert (
        png.startswith(b"\x89PNG")
        and records["organisation"].image_sha256 == hashlib.sha256(png).hexdigest()
    )


def test_one_signature_leaves_the_contract_awaiting_the_other():
    hire = hire_make()
    contract = contract_make(hire)
    _sign(contract, party="seeker", user=hire.seeker)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.AWAITING and not contract.pdf_sha256
    hire.application.refresh_from_db()
    assert hire.application.stage == Stage.OFFER


def test_signing_twice_keeps_the_first_signature():
    hire = hire_make()
    contract = contract_make(hire)
    first, created = _sign(contract, party="seeker", user=hire.seeker, ip="198.51.100.1")
    again, created_again = _sign(contract, party="seeker", user=hire.seeker, ip="198.51.100.2")
    assert created and not created_again
    assert again.pk == first.pk and again.ip == "198.51.100.1"
    assert contract.signatures.count() == 1


def test_a_typed_name_is_required():
    hire = hire_make()
    contract = contract_make(hire)
    with pytest.raises(ValidationError) as caught:
        _sign(contract, party="seeker", user=hire.seeker, typed_name="  ")
    assert caught.value.error_dict["typed_name"][0].messages == ["请输入签署人姓名"]
    assert not Signature.objects.exists()


def test_the_seeker_must_type_the_name_on_the_contract():
    hire = hire_make()
    contract = contract_make(hire)
    with pytest.raises(ValidationError) as caught:
        _sign(contract, party="seeker", user=hire.seeker, typed_name="李四")
    assert "张三" in caught.value.error_dict["typed_name"][0].messages[0]
    signature, _created = _sign(contract, party="seeker", user=hire.seeker, typed_name=" 张 三 ")
    assert signature.typed_name == "张 三"


def test_only_the_seeker_signs_as_seeker_and_only_owner_or_hr_for_the_organisation():
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make

    hire = hire_make()
    contract = contract_make(hire)
    with pytest.raises(ValidationError):
        _sign(contract, party="seeker", user=seeker_make(name="张三"))
    with pytest.raises(ValidationError):
        _sign(contract, party="organisation", user=hire.seeker, typed_name="张三")
    anchor = member_make(organisation=hire.organisation, role=Membership.Role.ANCHOR)
    with pytest.raises(ValidationError):
        _sign(contract, party="organisation", user=anchor, typed_name="主播")
    assert not Signature.objects.exists()


def _png(size: tuple[int, int] = (300, 100)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.putpixel((10, 10), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "black").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "signature_required"),
        ("data:image/jpeg;base64," + base64.b64encode(_jpeg()).decode(), "signature_not_png"),
        ("data:image/png;base64," + base64.b64encode(_jpeg()).decode(), "signature_not_png"),
        ("data:image/png;base64,@@not-base64@@", "signature_not_png"),
        (
            "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nbroken").decode(),
            "signature_not_png",
        ),
        ("data:image/png;base64," + "A" * (SIGNATURE_MAX_BYTES * 2), "signature_too_large"),
        (data_url(_png((3000, 100))), "signature_too_large"),
        (data_url(signature_png(ink=False)), "signature_blank"),
        ("javascript:alert(1)", "signature_not_png"),
    ],
)
def test_a_drawn_signature_must_be_a_real_png_data_url_within_limits(value, code):
    with pytest.raises(ValidationError) as caught:
        signature_image_clean(value)
    assert caught.value.code == code
    assert caught.value.messages[0]  # a Chinese sentence for the signer


def test_a_valid_drawing_is_re_encoded_as_a_clean_png():
    cleaned = signature_image_clean(data_url(signature_png()))
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "PNG" and image.size == (300, 100)


def test_a_bad_drawing_on_the_page_shows_the_reason_and_saves_nothing(client):
    hire = hire_make()
    contract = contract_make(hire)
    client.force_login(hire.seeker)
    url = reverse("contracts:seeker_contract", args=[contract.pk])
    response = client.post(
        url,
        {"typed_name": "张三", "method": "drawn", "signature": "data:text/html,x", "agree": "on"},
    )
    assert response.status_code == 400
    assert "签名图像格式不正确" in response.content.decode()
    assert not Signature.objects.exists()


def test_the_page_records_the_ip_and_requires_agreement(client):
    # given
    hire = hire_make()
    contract = contract_make(hire)
    client.force_login(hire.seeker)
    url = reverse("contracts:seeker_contract", args=[contract.pk])
    page = client.get(url).content.decode()
    assert 'id="signature-pad"' in page and 'id="typed-name"' in page
    # when not agreeing
    refused = client.post(url, {"typed_name": "张三", "method": "tapped"})
    assert refused.status_code == 400 and "请先勾选" in refused.content.decode()
    # when signing with a drawing
    response = client.post(
        url,
        {
            "typed_name": "张三",
            "method": "drawn",
            "signature": data_url(signature_png()),
            "agree": "on",
        },
        REMOTE_ADDR="192.0.2.44",
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14)",
    )
    # then
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.party, signature.ip, signature.method) == ("seeker", "192.0.2.44", "drawn")
    assert signature.user_agent.startswith("Mozilla/5.0")
    assert 'data-party="seeker"' in client.get(url).content.decode()


def test_the_organisation_signs_on_its_page_and_both_can_then_download(client):
    hire = hire_make()
    contract = contract_make(hire)
    _sign(contract, party="seeker", user=hire.seeker)
    client.force_login(hire.owner)
    url = reverse("contracts:manage_contract", args=[hire.organisation.pk, contract.pk])
    response = client.post(url, {"typed_name": "王经理", "method": "tapped", "agree": "on"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.is_signed
    page = client.get(url).content.decode()
    assert 'id="contract-pdf-download"' in page and contract.pdf_sha256 in page
