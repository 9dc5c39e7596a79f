"""Checking uploaded licence files by what they contain, never by name or declared type.

Sniffing the first bytes only tells what a file starts as. A PNG can carry a ZIP or HTML tail
(a polyglot), EXIF with the uploader's location, or a header declaring billions of pixels; a PDF
can run JavaScript or launch something when a moderator opens it. So images are decoded within
a pixel limit and re-encoded (the stored file is what Pillow wrote: no tail, no metadata), and
PDFs are parsed and refused if they hold scripts or automatic actions; the reviewer sees a PNG
rendering of the first page rather than the PDF itself.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from struct import error as struct_error

import filetype
import pypdf
import pypdfium2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Content type (from the file's first bytes) → file extension used in storage.
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
DOCUMENT_TYPES = {**IMAGE_TYPES, "application/pdf": "pdf"}
# filetype needs at most 262 bytes; read a little more for safety.
_HEAD_BYTES = 8192


# PDF dictionary keys that make a viewer run something without the reader asking: document
# and page "additional actions", the open action, and the document-level JavaScript name tree.
_PDF_ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA"})
# Action types that run code, start programs or send data anywhere (in a link as well).
_PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}
)
# A licence scan has a few dozen objects; past this the walk stops and the file is refused.
_PDF_MAX_OBJECTS = 50_000
# Longest side of the first-page preview, in pixels.
_PREVIEW_LONGEST_SIDE = 1600


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the checks: `content` is what to store (images re-encoded, PDFs as
    sent); `preview` is a PNG of a PDF's first page, None for images."""

    content_type: str
    size: int
    sha256: str
    content: bytes
    preview: bytes | None = None


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


def _image_clean(data: bytes, *, content_type: str) -> bytes:
    """Decode within settings.UPLOAD_IMAGE_MAX_PIXELS, apply the EXIF orientation and encode
    again in the same format, without metadata or anything after the image data."""
    image_format = "JPEG" if content_type == "image/jpeg" else "PNG"
    limit = settings.UPLOAD_IMAGE_MAX_PIXELS
    too_large = ValidationError(
        _("图片尺寸太大（最多 %(megapixels)s 百万像素），请缩小后再上传")
        % {"megapixels": limit // 1_000_000},
        code="image_too_large",
    )
    unreadable = ValidationError(
        _("图片无法读取（文件可能已损坏），请重新拍照或扫描后上传"), code="image_unreadable"
    )
    try:
        # Opening reads the header only; the pixels are decoded by load(), after the check.
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except Image.DecompressionBombError as exc:
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise unreadable from exc
    width, height = image.size
    if width * height > limit:
        raise too_large
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
        upright: Image.Image = ImageOps.exif_transpose(image) or image
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise too_large from exc
    except (OSError, SyntaxError, ValueError, struct_error, EOFError) as exc:
        raise unreadable from exc
    # Keep transparency only: EXIF, ICC profiles, text chunks and comments are all dropped.
    upright.info = {key: upright.info[key] for key in ("transparency",) if key in upright.info}
    out = io.BytesIO()
    if image_format == "JPEG":
        if upright.mode not in ("L", "RGB"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=90)
    else:
        upright.save(out, format="PNG")
    return out.getvalue()


def _pdf_active_find(reader: pypdf.PdfReader) -> bool:
    """True if anything reachable from the trailer is a script or an automatic action. Walks
    every object once (names arrive decoded, so `/J#61vaScript` is `/JavaScript` here)."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(node.get_object())
        elif isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in _PDF_ACTIVE_KEYS:
                    return True
                if name == "/S" and isinstance(value, NameObject):
                    if value in _PDF_ACTIVE_ACTIONS:
                        return True
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _pdf_check(data: bytes) -> bytes:
    """Refuse unreadable, encrypted or active PDFs; return a PNG of the first page."""
    unreadable = ValidationError(
        _("PDF 文件无法读取（文件可能已损坏），请重新导出或扫描后上传"), code="pdf_unreadable"
    )
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(_("PDF 文件已加密，请上传未加密的文件"), code="pdf_encrypted")
        active = _pdf_active_find(reader)
        has_pages = len(reader.pages) > 0
    except ValidationError:
        raise
    except Exception as exc:
        # pypdf raises many kinds of errors on malformed input; any of them means unreadable.
        raise unreadable from exc
    if active:
        raise ValidationError(
            _("PDF 含有脚本或自动执行的动作，不能上传。请用“打印为 PDF”或扫描重新生成后上传"),
            code="pdf_active",
        )
    if not has_pages:
        raise unreadable
    return _pdf_first_page_render(data, unreadable=unreadable)


def _pdf_first_page_render(data: bytes, *, unreadable: ValidationError) -> bytes:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise unreadable from exc
    try:
        page = document[0]
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise unreadable
        # Scale by the longest side, so a page declared kilometres wide is still 1600 px.
        scale = _PREVIEW_LONGEST_SIDE / max(width, height)
        image = page.render(scale=scale).to_pil()
        page.close()
    except pypdfium2.PdfiumError as exc:
        raise unreadable from exc
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


def _upload_read(
    *, file: File, types: dict[str, str], bad_type: ValidationError
) -> tuple[str, bytes]:
    """(content type by content, bytes) of an upload of at most settings.UPLOAD_MAX_BYTES whose
    content is one of `types`; else ValidationError."""
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
    if kind is None or kind.mime not in types:
        raise bad_type
    data = file.read()
    file.seek(0)
    return kind.mime, data


def _checked(content_type: str, content: bytes, preview: bytes | None = None) -> CheckedUpload:
    return CheckedUpload(
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        preview=preview,
    )


def document_upload_check(*, file: File) -> CheckedUpload:
    """JPEG, PNG or PDF by content, at most settings.UPLOAD_MAX_BYTES; else ValidationError.

    Images come back re-encoded (within settings.UPLOAD_IMAGE_MAX_PIXELS, EXIF orientation
    applied, metadata and trailing bytes dropped); PDFs with scripts or automatic actions are
    refused and the others come back with a PNG preview of their first page."""
    content_type, data = _upload_read(
        file=file,
        types=DOCUMENT_TYPES,
        bad_type=ValidationError(
            _("只能上传 JPG、PNG 图片或 PDF 文件（按文件内容识别，改文件名无效）"),
            code="bad_type",
        ),
    )
    if content_type == "application/pdf":
        return _checked(content_type, data, preview=_pdf_check(data))
    return _checked(content_type, _image_clean(data, content_type=content_type))


def image_upload_check(*, file: File) -> CheckedUpload:
    """A JPEG or PNG picture (a poster, a screenshot), checked and re-encoded like a
    document's images; anything else is refused with a clear message."""
    content_type, data = _upload_read(
        file=file,
        types=IMAGE_TYPES,
        bad_type=ValidationError(
            _("只能上传 JPG 或 PNG 图片（按文件内容识别，改文件名无效）"), code="bad_type"
        ),
    )
    return _checked(content_type, _image_clean(data, content_type=content_type))
