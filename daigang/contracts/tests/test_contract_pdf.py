"""The signed PDF embeds a CJK font subset (so Chinese renders in any reader), gives its
Chinese text back to text extraction, and carries the content fingerprint in its text and
metadata; the fingerprint is the SHA-256 of the documented canonical JSON."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from pypdf import PdfReader

from daigang.contracts.fingerprint import canonical_json, contract_record
from daigang.contracts.testing import hire_make, signed_contract_make

pytestmark = pytest.mark.django_db


def _pdf(contract) -> bytes:  # type: ignore[no-untyped-def]
    with contract.pdf.open("rb") as handle:
        return handle.read()


def _fonts(reader: PdfReader) -> list:
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.append(font.get_object())
    return fonts


def test_every_font_in_the_pdf_is_an_embedded_truetype_cjk_subset():
    contract = signed_contract_make(hire_make())
    reader = PdfReader(io.BytesIO(_pdf(contract)))
    fonts = _fonts(reader)
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        assert "WenQuanYiMicroHei" in font["/BaseFont"]
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # the glyphs travel with the file
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000


def test_text_extraction_gives_back_the_chinese_text_and_the_signature_record():
    hire = hire_make()
    contract = signed_contract_make(hire)
    reader = PdfReader(io.BytesIO(_pdf(contract)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "劳动合同" in text
    assert "甲方（用人单位）：昆山精密电子有限公司" in text
    assert "乙方（劳动者）：张三" in text
    assert "签署记录" in text and "王经理" in text
    assert "10.1.2.3" in text and "2001:db8::7" in text
    assert contract.content_sha256 in text.replace("\n", "")


def test_the_content_fingerprint_is_in_the_metadata():
    contract = signed_contract_make(hire_make())
    metadata = PdfReader(io.BytesIO(_pdf(contract))).metadata
    assert contract.content_sha256 in metadata.subject
    assert f"sha256:{contract.content_sha256}" in metadata["/Keywords"]
    assert contract.number in metadata.title


def test_the_fingerprint_is_the_sha256_of_the_canonical_json_of_text_and_signatures():
    contract = signed_contract_make(hire_make())
    record = contract_record(contract=contract, signatures=contract.signatures.all())
    assert record["contract"]["body"] == contract.body
    assert [s["party"] for s in record["signatures"]] == ["organisation", "seeker"]
    assert record["signatures"][0]["ip"] == "10.1.2.3"
    expected = hashlib.sha256(
        json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert (
        canonical_json(record)
        == json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )
    assert contract.content_sha256 == expected


def test_the_stored_pdf_hash_is_the_hash_of_the_stored_file():
    contract = signed_contract_make(hire_make())
    assert contract.pdf_sha256 == hashlib.sha256(_pdf(contract)).hexdigest()
