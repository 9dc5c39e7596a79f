"""Static files under hashed names, compressed and cached for a year; HTML compressed."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.test import RequestFactory

from daigang.accounts.testing import organisation_make
from daigang.core.compression import HtmlCompressionMiddleware, accepts, brotli_padded
from daigang.core.static_files import ONE_YEAR_S
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db

HTMX = settings.BASE_DIR / "static" / "vendor" / "htmx.min.js"


def _linked(client, pattern: str) -> str:
    """The URL of the static file the home page links whose URL matches `pattern`."""
    page = client.get("/").content.decode()
    found = re.search(rf'"(/static/{pattern})"', page)
    assert found, f"the home page links no {pattern}"
    return found.group(1)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_pages_link_static_files_by_a_hash_of_their_content_and_the_plain_name_is_not_served(
    client,
):
    # when
    url = _linked(client, r"vendor/htmx\.min\.[0-9a-f]{12}\.js")
    plain = client.get("/static/vendor/htmx.min.js")

    # then: the hashed name serves the file; the unhashed one is not kept at all
    response = client.get(url)
    assert response.status_code == 200
    assert _body(response) == HTMX.read_bytes()
    assert plain.status_code == 404


def test_pages_link_hashed_names_with_debug_on_as_make_run_serves_them(client, settings):
    # given: make run's default mode
    settings.DEBUG = True

    # then
    assert re.fullmatch(
        r"/static/css/daigang\.[0-9a-f]{12}\.css", _linked(client, r"css/daigang[^\"]*")
    )


def test_a_hashed_static_file_is_cached_for_a_year_as_immutable(client):
    url = _linked(client, r"css/daigang\.[0-9a-f]{12}\.css")

    response = client.get(url)

    assert ONE_YEAR_S == 31_536_000
    assert response["Cache-Control"] == f"max-age={ONE_YEAR_S}, public, immutable"
    assert "Accept-Encoding" in response["Vary"]


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [("gzip, deflate, br", "br"), ("gzip, deflate", "gzip"), ("", None), ("identity", None)],
)
def test_a_static_file_comes_compressed_the_way_the_browser_accepts_or_as_it_is(
    client, accept_encoding, coding
):
    # given
    url = _linked(client, r"vendor/htmx\.min\.[0-9a-f]{12}\.js")

    # when
    response = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)

    # then
    body = _body(response)
    assert response.get("Content-Encoding") == coding
    assert int(response["Content-Length"]) == len(body)
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](body)
    assert decoded == HTMX.read_bytes()
    if coding:
        assert len(body) < len(decoded) / 3


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)],
)
def test_pages_come_compressed_the_way_the_browser_accepts_or_as_they_are(
    client, accept_encoding, coding
):
    # given a home page with a job on it
    job_make(organisation=organisation_make(), title="普工（电子厂）")

    # when
    response = client.get("/", HTTP_ACCEPT_ENCODING=accept_encoding)

    # then
    assert response.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](
        response.content
    )
    assert "普工（电子厂）" in decoded.decode()
    if coding:
        assert len(response.content) < len(decoded) * 0.75


def test_each_brotli_page_is_padded_by_a_random_length_against_breach():
    page = b"<!doctype html><p>" + "工作".encode() * 500 + b"</p>"

    sizes = {len(brotli_padded(page)) for _ in range(20)}

    assert len(sizes) > 1
    assert brotli.decompress(brotli_padded(page)).startswith(page)


@pytest.mark.parametrize(
    "answer",
    [
        lambda: StreamingHttpResponse(iter([b"x" * 1000]), content_type="text/html"),
        lambda: JsonResponse({"padding": "x" * 1000}),
        lambda: HttpResponse("short", content_type="text/html"),
    ],
    ids=["streamed", "json", "short"],
)
def test_streamed_json_and_short_answers_are_left_uncompressed(answer):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip, br")

    response = HtmlCompressionMiddleware(lambda request: answer())(request)

    assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize(
    ("header", "br", "gzip"),
    [
        ("gzip, deflate, br", True, True),
        ("BR;q=0.5", True, False),
        ("br;q=0, gzip;q=1.0", False, True),
        ("identity", False, False),
        ("gzip;q=nonsense", False, False),
    ],
)
def test_accept_encoding_is_read_with_its_qualities(header, br, gzip):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=header)

    assert (accepts(request, "br"), accepts(request, "gzip")) == (br, gzip)
