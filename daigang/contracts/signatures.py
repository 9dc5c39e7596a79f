"""Drawn signatures: a PNG data URL from the browser's canvas, checked and re-encoded.

The browser sends `data:image/png;base64,…`. It is refused unless it decodes to a real PNG
within the size limits and has some ink on it; it is then re-encoded by Pillow, so what is
stored (and embedded in the PDF) is a clean PNG with no extra chunks, whatever was sent.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

DATA_URL_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_BYTES = 300 * 1024
SIGNATURE_MAX_WIDTH = 2000
SIGNATURE_MAX_HEIGHT = 1000


def signature_image_clean(data_url: str) -> bytes:
    """The normalised PNG bytes of a drawn signature; ValidationError (Chinese) if unusable."""
    data_url = (data_url or "").strip()
    if not data_url:
        raise ValidationError(_("请在签名框内手写签名"), code="signature_required")
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("签名图像格式不正确，请重新签名"), code="signature_not_png")
    encoded = data_url[len(DATA_URL_PREFIX) :]
    # base64 is 4/3 of the bytes: refuse before decoding anything oversized.
    if len(encoded) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(_("签名图像太大，请清除后重新签名"), code="signature_too_large")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            _("签名图像格式不正确，请重新签名"), code="signature_not_png"
        ) from None
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise ValidationError(_("签名图像太大，请清除后重新签名"), code="signature_too_large")
    if not raw.startswith(PNG_MAGIC):
        raise ValidationError(_("签名图像格式不正确，请重新签名"), code="signature_not_png")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format != "PNG":
                raise ValidationError(_("签名图像格式不正确，请重新签名"), code="signature_not_png")
            width, height = probe.size
            if width > SIGNATURE_MAX_WIDTH or height > SIGNATURE_MAX_HEIGHT:
                raise ValidationError(_("签名图像尺寸过大，请重新签名"), code="signature_too_large")
            probe.verify()
        # verify() leaves the image unusable: open it again to read the pixels.
        with Image.open(io.BytesIO(raw)) as image:
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("签名图像格式不正确，请重新签名"), code="signature_not_png"
        ) from None
    if not _has_ink(rgba):
        raise ValidationError(_("签名框是空白的，请手写签名"), code="signature_blank")
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _has_ink(image: Image.Image) -> bool:
    """Some pixel that is neither transparent nor (near) white."""
    alpha = image.getchannel("A")
    # Opaque pixels darker than light grey count as ink.
    grey = image.convert("L").point(lambda value: 255 if value < 200 else 0)
    ink = Image.composite(
        grey, Image.new("L", image.size, 0), alpha.point(lambda a: 255 if a > 32 else 0)
    )
    return ink.getbbox() is not None
