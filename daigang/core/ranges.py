"""A small file answered whole or by one byte range (RFC 9110 §14).

Safari on iPhones will not play an <audio> whose server ignores `Range: bytes=0-1`; Django's
FileResponse always answers whole. Files answered here are small (tens of KB), read at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import HttpRequest, HttpResponse

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def file_answer(
    request: HttpRequest, *, path: Path, content_type: str, headers: dict[str, str]
) -> HttpResponse:
    """200 with the whole file, 206 with one range, 416 for a range past its end. Several
    ranges in one request are answered whole (allowed, and no player asks for them)."""
    body = path.read_bytes()
    size = len(body)
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    common = {**headers, "Accept-Ranges": "bytes"}
    if match is None or match.groups() == ("", ""):
        return HttpResponse(body, content_type=content_type, headers=common)
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        return HttpResponse(status=416, headers={**common, "Content-Range": f"bytes */{size}"})
    return HttpResponse(
        body[start : end + 1],
        status=206,
        content_type=content_type,
        headers={**common, "Content-Range": f"bytes {start}-{end}/{size}"},
    )
