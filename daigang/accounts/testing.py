"""Builders for tests of every layer: users, organisations, members, licence files, SMS codes.

Functions, not fixtures, so a test's `# given` block says what it builds. Imported by tests
only; as non-test code under daigang/ it imports nothing above accounts (tests/test_architecture).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from daigang.accounts.models import VERIFICATION_VALID_FOR, Membership, Organisation, User
from daigang.accounts.services import organisation_register
from daigang.accounts.services.organisations import organisation_verified_hooks
from daigang.accounts.uscc import uscc_check_char

_serial = itertools.count(1)


def uscc_make(n: int | None = None) -> str:
    """A well-formed code with a correct check character, new on every call unless `n` given."""
    first17 = f"91350100{n if n is not None else next(_serial):09d}"
    return first17 + uscc_check_char(first17)


def phone_make() -> str:
    """A mobile number no test writes out by hand (they use 135–139), new on every call."""
    return f"166{next(_serial):08d}"


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


def user_make(*, phone: str | None = None, name: str = "", **extra: object) -> User:
    """A user who logs in by phone (no password)."""
    return User.objects.create_user(phone or phone_make(), name=name, **extra)


def moderator_make(*, phone: str | None = None) -> User:
    return user_make(phone=phone, name="审核员", is_staff=True)


def licence_fields_make(*, expires_on: dt.date | None = None) -> dict[str, object]:
    """An agency's 人力资源服务许可证 as entered: number, issuing office, expiry (a year on)."""
    return {
        "hr_licence_number": f"3501002026{next(_serial):05d}",
        "hr_licence_issuer": "福州市人力资源和社会保障局",
        "hr_licence_expires_on": expires_on or timezone.localdate() + dt.timedelta(days=365),
    }


def organisation_make(
    *,
    name: str = "昆山精密电子有限公司",
    kind: str = Organisation.Kind.COMPANY,
    status: str = Organisation.Status.VERIFIED,
    lapsed: bool = False,
    verified_until: dt.datetime | None = None,
    owner: User | None = None,
    licence_expires_on: dt.date | None = None,
) -> Organisation:
    """An organisation as it stands after review: verified (for six months) unless `status`
    says otherwise, or verified once and `lapsed`. `owner`, if given, becomes its owner.
    An agency has its HR service licence on record, valid for a year unless
    `licence_expires_on` says otherwise.

    Saved directly, not registered with documents (see organisation_registered_make); a
    verified one gets what organisation_approve's hooks add (the hiring app's rejection
    reasons), as a reviewed organisation would have.
    """
    now = timezone.now()
    verified = status == Organisation.Status.VERIFIED
    if lapsed:
        verified_at, until = now - dt.timedelta(days=200), now - dt.timedelta(days=1)
    else:
        verified_at, until = (
            now - dt.timedelta(days=1),
            verified_until or now + VERIFICATION_VALID_FOR,
        )
    organisation = Organisation.objects.create(
        name=name,
        kind=kind,
        uscc=uscc_make(),
        contact_name="王经理",
        contact_phone="0512-57771234",
        address="江苏省昆山市开发区",
        status=status,
        verified_at=verified_at if verified else None,
        verified_until=until if verified else None,
        **(
            licence_fields_make(expires_on=licence_expires_on)
            if kind == Organisation.Kind.AGENCY
            else {}
        ),
    )
    if owner is not None:
        Membership.objects.create(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    if verified:
        for hook in organisation_verified_hooks:
            hook(organisation)
    return organisation


def organisation_registered_make(
    *, owner: User | None = None, kind: str = Organisation.Kind.COMPANY, **fields: object
) -> Organisation:
    """An organisation registered through the service, with its licences, awaiting review."""
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
        data.update(licence_fields_make())
    data.update(fields)
    return organisation_register(by=owner, **data)


def member_make(
    *,
    organisation: Organisation,
    role: str = Membership.Role.HR,
    name: str = "人事小王",
    phone: str | None = None,
) -> User:
    """A new user who is a member of `organisation` in `role`."""
    user = user_make(phone=phone, name=name)
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


def sms_code_last(outbox: list, *, phone: str | None = None) -> str:
    """The 6-digit code in the newest SMS (to `phone`, if given) in the `sms_outbox` list."""
    for message in reversed(outbox):
        if phone is None or message.phone == phone:
            match = re.search(r"\d{6}", message.message)
            assert match is not None, message.message
            return match.group(0)
    raise AssertionError(f"no SMS to {phone}")
