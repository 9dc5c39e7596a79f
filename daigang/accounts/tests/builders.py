"""Small builders for accounts tests: users, organisations, licence files."""

from __future__ import annotations

import io
import itertools
import re
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from daigang.accounts.models import Organisation, User
from daigang.accounts.services import organisation_register
from daigang.accounts.uscc import uscc_check_char

_serial = itertools.count(1)


def uscc_make(n: int | None = None) -> str:
    """A well-formed code with a correct check character."""
    first17 = f"91350100{n if n is not None else next(_serial):09d}"
    return first17 + uscc_check_char(first17)


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes(size: tuple[int, int] = (8, 8), exif: bytes | None = None) -> bytes:
    """A real JPEG (Pillow), optionally carrying EXIF bytes."""
    out = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", **extra)
    return out.getvalue()


def pdf_bytes(padding: int = 0, catalog_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A real one-page PDF (A4, a black square) with a correct cross-reference table.
    `catalog_extra` and `page_extra` add raw entries to the catalog and the page (actions)."""
    content = b"0 0 0 rg 100 500 200 200 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        + page_extra
        + b">>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%" + b"%" * padding + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def upload(
    name: str = "licence.png", content: bytes | None = None, content_type: str = ""
) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, png_bytes() if content is None else content, content_type=content_type
    )


def user_make(phone: str | None = None, **extra: object) -> User:
    phone = phone or f"139{next(_serial):08d}"
    return User.objects.create_user(phone, **extra)


def moderator_make(phone: str | None = None) -> User:
    return user_make(phone, is_staff=True, name="审核员")


def organisation_make(
    *, owner: User | None = None, kind: str = Organisation.Kind.COMPANY, **fields: object
) -> Organisation:
    owner = owner or user_make()
    data: dict = {
        "name": "福州示例电子有限公司",
        "kind": kind,
        "uscc": uscc_make(),
        "contact_name": "林经理",
        "contact_phone": "0591-87654321",
        "address": "福州市闽侯县上街镇",
        "business_licence": upload("yyzz.png"),
    }
    if kind == Organisation.Kind.AGENCY:
        data["hr_service_licence"] = upload("hr.pdf", pdf_bytes())
    data.update(fields)
    return organisation_register(by=owner, **data)


def sms_code_last(outbox: list) -> str:
    """The 6-digit code in the newest SMS."""
    match = re.search(r"\d{6}", outbox[-1].message)
    assert match is not None, outbox[-1]
    return match.group(0)
