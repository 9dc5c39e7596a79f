"""QR codes (segno) for links people scan from a poster or another phone."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, *, title: str = "") -> bytes:
    """`text` as a standalone SVG QR code (error correction M, a 4-module quiet zone, black on
    white, 8 px per module): prints sharply at any size and needs no script or font."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        out, kind="svg", scale=8, border=4, dark="#000", light="#fff", title=title or None
    )
    return out.getvalue()
