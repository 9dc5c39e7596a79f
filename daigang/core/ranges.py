"""A file answered whole or by one byte range (RFC 9110 §14).

Safari on iPhones will not play an <audio> or <video> whose server ignores `Range: bytes=0-1`;
Django's FileResponse always answers whole. `file_answer` reads a small file (tens of KB) at
once; `file_stream_answer` streams a large one (a lesson video) from disk, range only.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

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


_CHUNK = 256 * 1024


def _chunks(path: Path, start: int, length: int):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        handle.seek(start)
        left = length
        while left > 0:
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def file_stream_answer(
    request: HttpRequest, *, path: Path, content_type: str, headers: dict[str, str]
) -> HttpResponse | StreamingHttpResponse:
    """`file_answer` for a large file (a lesson video): the range is read from disk in chunks
    as it is sent, so seeking into a 100 MB video sends only what the player asked for."""
    size = path.stat().st_size
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    common = {**headers, "Accept-Ranges": "bytes"}
    start, end, status = 0, size - 1, 200
    if match is not None and match.groups() != ("", ""):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
        if start >= size or start > end:
            return HttpResponse(status=416, headers={**common, "Content-Range": f"bytes */{size}"})
        status = 206
        common["Content-Range"] = f"bytes {start}-{end}/{size}"
    length = end - start + 1 if size else 0
    response = StreamingHttpResponse(
        _chunks(path, start, length), status=status, content_type=content_type, headers=common
    )
    response["Content-Length"] = str(length)
    return response
