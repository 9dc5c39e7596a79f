"""The public verification page says whether an uploaded PDF is, byte for byte, a contract
signed here: the exact downloaded file verifies, one changed byte or any other PDF fails."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from daigang.contracts.testing import hire_make, signed_contract_make

pytestmark = pytest.mark.django_db


def _download(client, hire, contract) -> bytes:  # type: ignore[no-untyped-def]
    client.force_login(hire.seeker)
    response = client.get(reverse("contracts:seeker_contract_pdf", args=[contract.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    client.logout()
    return b"".join(response.streaming_content)


def _verify(client, content: bytes):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("合同.pdf", content, content_type="application/pdf")
    return client.post(reverse("contracts:verify"), {"file": upload})


def test_the_exact_downloaded_pdf_verifies(client):
    # given
    hire = hire_make()
    contract = signed_contract_make(hire)
    downloaded = _download(client, hire, contract)
    # when
    response = _verify(client, downloaded)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-verified="true"' in body
    assert "这是本平台签署的原件" in body
    assert contract.number in body and "王经理" in body


def test_a_pdf_with_one_changed_byte_fails(client):
    hire = hire_make()
    contract = signed_contract_make(hire)
    downloaded = bytearray(_download(client, hire, contract))
    # Flip one byte in the middle of the file (inside the content, not just trailing junk).
    middle = len(downloaded) // 2
    downloaded[middle] ^= 0x01
    body = _verify(client, bytes(downloaded)).content.decode()
    assert 'data-verified="false"' in body
    assert "不是本平台签署的原件" in body


def test_a_pdf_with_one_byte_appended_fails(client):
    hire = hire_make()
    contract = signed_contract_make(hire)
    body = _verify(client, _download(client, hire, contract) + b"\n").content.decode()
    assert 'data-verified="false"' in body


def test_some_other_pdf_fails(client):
    signed_contract_make(hire_make())
    other = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    body = _verify(client, other).content.decode()
    assert 'data-verified="false"' in body


def test_verifying_without_a_file_says_so(client):
    response = client.post(reverse("contracts:verify"), {})
    assert response.status_code == 400
    assert 'id="verify-result"' not in response.content.decode()


def test_the_verification_page_is_public(client):
    response = client.get(reverse("contracts:verify"))
    assert response.status_code == 200
    assert 'id="verify-form"' in response.content.decode()
