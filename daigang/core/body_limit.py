"""A cap on request bodies, enforced in ASGI before Django (or the apply fast path) reads them.

Django's ASGI handler spools the whole body to a temporary file before any middleware or view
runs, so without this a 200 MB POST to any URL, anonymous, is written to disk first and refused
(if at all) afterwards. This app sits outermost in config/asgi.py and answers 413 at once:

- when the declared Content-Length is over the limit, without reading a byte of the body;
- when a body without a declared length (chunked) grows past the limit, as soon as it does,
  without reading further.

The limit is REQUEST_BODY_MAX_BYTES (64 KB by default) except on the paths that take file
uploads (REQUEST_UPLOAD_PATHS, regular expressions), where it is REQUEST_UPLOAD_MAX_BYTES, and
on the course lesson forms that take a video (REQUEST_VIDEO_PATHS: REQUEST_VIDEO_MAX_BYTES).
Under /api/ the answer is JSON ({"code": "too_large", ...}) like the API's other errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_API_PREFIX = "/api/"


class _TooLarge(Exception):
    """Raised out of `receive` into the wrapped app once a streamed body passes the limit."""


class BodyLimit:
    """ASGI app: refuses with 413 any HTTP request whose body is over its path's limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        upload_max_bytes: int,
        upload_paths: list[str],
        video_max_bytes: int = 0,
        video_paths: list[str] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.video_max_bytes = video_max_bytes
        self._upload_path = re.compile("|".join(f"(?:{p})" for p in upload_paths) or r"(?!)")
        self._video_path = re.compile("|".join(f"(?:{p})" for p in video_paths or []) or r"(?!)")

    def limit_for(self, path: str) -> int:
        if self._video_path.match(path):
            return self.video_max_bytes
        return self.upload_max_bytes if self._upload_path.match(path) else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        limit = self.limit_for(path)
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
                break
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False  # the server refuses a malformed length before we run
            if too_large:
                return await _refuse(path, send)
            # The server delivers no more body than the declared length (HTTP/1.1 framing):
            # nothing to count, and the apply fast path's requests pay nothing more.
            return await self.app(scope, receive, send)

        received = 0
        started = False

        async def counted_receive() -> dict:
            nonlocal received
            message = await receive()
            body = message.get("body")
            if body:
                received += len(body)
                if received > limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: Mapping[str, Any]) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await _refuse(path, send)
        return None


async def _refuse(path: str, send: Send) -> None:
    # Outside Django's middleware, so no LocaleMiddleware: the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        message = _("请求内容过大")
    if path.startswith(_API_PREFIX):
        body = json.dumps(
            {"code": "too_large", "message": message, "detail": message}, ensure_ascii=False
        ).encode()
        content_type = b"application/json"
    else:
        body = message.encode()
        content_type = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                # The unread body is still on the wire: do not reuse the connection.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def body_limit(app: ASGIApp) -> BodyLimit:
    """Wrap `app` with the body limits from settings (see the module docstring)."""
    return BodyLimit(
        app,
        max_bytes=settings.REQUEST_BODY_MAX_BYTES,
        upload_max_bytes=settings.REQUEST_UPLOAD_MAX_BYTES,
        upload_paths=settings.REQUEST_UPLOAD_PATHS,
        video_max_bytes=settings.REQUEST_VIDEO_MAX_BYTES,
        video_paths=settings.REQUEST_VIDEO_PATHS,
    )
