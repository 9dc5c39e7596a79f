"""HTML compressed on the way out: brotli when the browser takes it, gzip otherwise.

Pages are text a phone pays for byte by byte; brotli makes the home page's HTML about a fifth
of its size, gzip a little more. Only whole HTML answers are compressed: not streamed ones (a
CSV export, a file), not JSON (one-tap apply's answer is small and must match the fast path's,
which never passes through Django), not static files (WhiteNoise sends their .br/.gz copies).

BREACH: a compressed page that holds a secret next to text the request chose lets an attacker
who sees sizes guess the secret. As Django advises: the CSRF token is masked afresh in every
answer (Django does that), and every compressed answer is padded with a random number of random
bytes so its size tells less (Django's GZipMiddleware does that for gzip, in the gzip header;
for brotli it is an HTML comment at the end).
"""

from __future__ import annotations

import secrets

import brotli
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.text import compress_string

# Fast enough per request (about a millisecond for a page), within a few percent of the best.
BROTLI_QUALITY = 5
# As Django's GZipMiddleware: up to 100 random bytes.
PADDING_MAX_BYTES = 100
# Below this, compressing can make an answer longer (as Django's GZipMiddleware).
MIN_LENGTH = 200


def accepts(request: HttpRequest, coding: str) -> bool:
    """Whether Accept-Encoding names `coding` with a quality above zero."""
    for entry in request.headers.get("Accept-Encoding", "").split(","):
        name, *parameters = (part.strip() for part in entry.split(";"))
        if name.lower() != coding:
            continue
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def brotli_padded(content: bytes) -> bytes:
    """`content` and a comment of 0-100 random characters, brotli-compressed."""
    padding = secrets.token_urlsafe(PADDING_MAX_BYTES)[: secrets.randbelow(PADDING_MAX_BYTES + 1)]
    return brotli.compress(content + f"<!--{padding}-->".encode(), quality=BROTLI_QUALITY)


def gzip_padded(content: bytes) -> bytes:
    """`content` gzip-compressed, 0-100 random bytes in the gzip header (as Django does)."""
    return compress_string(content, max_random_bytes=PADDING_MAX_BYTES)


class HtmlCompressionMiddleware(MiddlewareMixin):
    """Whole HTML answers compressed with brotli or gzip, whichever the browser accepts first
    (brotli), as Django's GZipMiddleware does with gzip alone."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content: bytes = response.content  # type: ignore[attr-defined]
        if len(content) < MIN_LENGTH or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if accepts(request, "br"):
            coding, compressed = "br", brotli_padded(content)
        elif accepts(request, "gzip"):
            coding, compressed = "gzip", gzip_padded(content)
        else:
            return response
        if len(compressed) >= len(content):
            return response
        response.content = compressed  # type: ignore[attr-defined]
        response.headers["Content-Length"] = str(len(compressed))
        # The body differs from the identity one: a strong validator would lie (as Django says).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = coding
        return response
