"""Checking uploaded licence files by what they contain, never by name or declared type."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

# Content type (from the file's first bytes) → file extension used in storage.
DOCUMENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# filetype needs at most 262 bytes; read a little more for safety.
_HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _file_size(file: File) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def document_upload_check(*, file: File) -> CheckedUpload:
    """JPEG, PNG or PDF by magic bytes, at most settings.UPLOAD_MAX_BYTES; else ValidationError."""
    limit = settings.UPLOAD_MAX_BYTES
    size = _file_size(file)
    if size == 0:
        raise ValidationError(_("文件是空的，请重新选择"), code="empty")
    if size > limit:
        raise ValidationError(
            _("文件太大（%(size)s），不能超过 %(limit)s，请压缩后再上传")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
            code="too_big",
        )
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationError(
            _("只能上传 JPG、PNG 图片或 PDF 文件（按文件内容识别，改文件名无效）"),
            code="bad_type",
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return CheckedUpload(content_type=kind.mime, size=size, sha256=digest.hexdigest())
