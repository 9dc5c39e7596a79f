"""Licence files are decoded, not only sniffed: images are re-encoded within a pixel limit,
PDFs with actions are refused, and a clean PDF gets a first-page preview for the reviewer."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest
from django.urls import reverse
from PIL import Image

from daigang.accounts.models import OrganisationDocument
from daigang.accounts.services import organisation_document_add
from daigang.accounts.testing import (
    jpeg_bytes,
    moderator_make,
    organisation_registered_make,
    pdf_bytes,
    png_bytes,
    upload,
)
from daigang.core.refused import Refused

pytestmark = pytest.mark.django_db
LICENCE = OrganisationDocument.Kind.BUSINESS_LICENCE


def _zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return out.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width×height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width
    # A few rows only: the stream is short, but a decoder that trusts the header allocates it all.
    pixels = compressor.compress(row * 4) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _add(content: bytes, name: str = "licence.bin"):
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    document = organisation_document_add(
        organisation=organisation, kind=LICENCE, file=upload(name, content), by=owner
    )
    return organisation, document


def test_a_png_with_a_zip_appended_is_stored_without_the_tail():
    # given
    polyglot = png_bytes() + _zip_bytes()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    # when
    _, document = _add(polyglot, "licence.png")
    # then
    with document.file.open("rb") as stored:
        kept = stored.read()
    assert b"PK\x03\x04" not in kept
    assert not zipfile.is_zipfile(io.BytesIO(kept))
    assert kept.endswith(b"IEND\xaeB`\x82")
    assert document.content_type == "image/png"
    assert document.size == len(kept)
    assert Image.open(io.BytesIO(kept)).size == (1, 1)


def test_a_jpeg_loses_its_exif_after_its_orientation_is_applied():
    # given: 16×8 pixels, EXIF says "rotate 90°" and carries a GPS-like comment
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010E] = "secret location"  # ImageDescription
    original = jpeg_bytes(size=(16, 8), exif=exif.tobytes())
    # when
    _, document = _add(original, "licence.jpg")
    # then
    with document.file.open("rb") as stored:
        kept = stored.read()
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert image.size == (8, 16)
    assert not image.getexif()
    assert b"secret location" not in kept


def test_an_image_over_the_pixel_limit_is_refused_without_decoding_it(settings):
    # given: 60 000 × 60 000 declared (3.6 gigapixels) in a file of a few hundred bytes
    settings.UPLOAD_IMAGE_MAX_PIXELS = 40_000_000
    bomb = _png_declaring(60_000, 60_000)
    assert len(bomb) < 2000
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    # when
    started = time.monotonic()
    with pytest.raises(Refused, match="图片尺寸太大") as error:
        organisation_document_add(
            organisation=organisation, kind=LICENCE, file=upload("bomb.png", bomb), by=owner
        )
    # then: refused from the header, long before 3.6 GB of pixels could be decoded
    assert time.monotonic() - started < 2
    assert error.value.code == "image_too_large"
    assert organisation.documents.count() == 1


def test_a_truncated_image_is_refused():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    broken = jpeg_bytes(size=(64, 64))[:200]
    with pytest.raises(Refused, match="图片无法读取"):
        organisation_document_add(
            organisation=organisation, kind=LICENCE, file=upload("x.jpg", broken), by=owner
        )


@pytest.mark.parametrize(
    ("catalog_extra", "page_extra"),
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ", b""),
        (b"/OpenAction [3 0 R /Fit] ", b""),
        (b"/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (1) >>] >> >> ", b""),
        (b"/AA << /WC << /S /JavaScript /JS (1) >> >> ", b""),
        (b"", b"/AA << /O << /S /Launch /F (calc.exe) >> >> "),
        # A name written with #-escapes is the same name to a reader.
        (b"/Open#41ction << /S /J#61vaScript /JS (1) >> ", b""),
    ],
)
def test_a_pdf_with_scripts_or_automatic_actions_is_refused(catalog_extra, page_extra):
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    active = pdf_bytes(catalog_extra=catalog_extra, page_extra=page_extra)
    with pytest.raises(Refused, match="PDF 含有脚本或自动执行的动作") as error:
        organisation_document_add(
            organisation=organisation, kind=LICENCE, file=upload("a.pdf", active), by=owner
        )
    assert error.value.code == "pdf_active"
    assert organisation.documents.count() == 1


def test_a_pdf_that_cannot_be_read_is_refused():
    organisation = organisation_registered_make()
    owner = organisation.memberships.get().user
    with pytest.raises(Refused, match="PDF 文件无法读取"):
        organisation_document_add(
            organisation=organisation,
            kind=LICENCE,
            file=upload("a.pdf", b"%PDF-1.4\ngarbage without objects\n"),
            by=owner,
        )


def test_a_clean_pdf_gets_a_first_page_preview_the_reviewer_sees(client):
    # given
    organisation, document = _add(pdf_bytes(), "licence.pdf")
    # then: a PNG rendering of page one is stored beside the PDF
    assert document.preview
    with document.preview.open("rb") as stored:
        preview = Image.open(io.BytesIO(stored.read()))
        preview.load()
    assert preview.format == "PNG"
    width, height = preview.size
    assert height > width  # A4 portrait
    # the page's black square came through the renderer
    assert preview.convert("L").getextrema()[0] < 50
    # when the moderator opens the review page
    client.force_login(moderator_make())
    body = client.get(reverse("accounts:review_detail", args=[organisation.id])).content.decode()
    # then it shows the preview image, served through the access-checked route
    preview_url = reverse("accounts:document_preview", args=[document.id])
    assert f'src="{preview_url}"' in body
    response = client.get(preview_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(preview_url).status_code == 404
