"""Request bodies are capped in ASGI (daigang.core.body_limit), before Django reads them.

Most tests call config.asgi's application directly with scope/receive/send, so they can count
how much of the body was ever read; the last ones go through a real uvicorn server.
"""

from __future__ import annotations

import asyncio
import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils.crypto import get_random_string

from daigang.core.testing import asgi_server  # noqa: F401  (a fixture used below)

CHUNK = 16 * 1024


class Client:
    """Sends one request to the ASGI app; records how many body chunks the app read."""

    def __init__(self, chunks: int, chunk: bytes = b"x" * CHUNK) -> None:
        self.chunks_left = chunks
        self.chunk = chunk
        self.reads = 0
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        if self.chunks_left == 0:
            # The body is over; Django listens for a disconnect until its answer is sent.
            await asyncio.get_running_loop().create_future()
        self.reads += 1
        self.chunks_left -= 1
        return {"type": "http.request", "body": self.chunk, "more_body": self.chunks_left > 0}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return self.sent[0]["status"]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent[1:])


def call(path: str, client: Client, *, content_length: int | None) -> Client:
    from config.asgi import application

    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(application(scope, client.receive, client.send))
    return client


def test_a_declared_200_mb_body_to_an_unknown_url_is_refused_without_reading_it():
    # given an anonymous POST declaring 200 MB
    client = Client(chunks=1000)

    # when it reaches the application
    call("/no/such/page/", client, content_length=200 * 1024 * 1024)

    # then it is answered 413 and not one chunk of the body was read
    assert client.status == 413
    assert client.reads == 0


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit():
    # given an endless body without a declared length
    client = Client(chunks=1000)

    # when it is posted to an ordinary page
    call("/accounts/login/", client, content_length=None)

    # then 413, after reading no more than the limit and one chunk
    assert client.status == 413
    assert client.reads == settings.REQUEST_BODY_MAX_BYTES // CHUNK + 1


def test_big_json_to_the_api_gets_a_json_413():
    client = Client(chunks=1000)

    call("/api/v1/jobs", client, content_length=1024 * 1024)

    assert client.status == 413
    assert (b"content-type", b"application/json") in client.sent[0]["headers"]
    answer = json.loads(client.body)
    assert answer["code"] == "too_large"
    assert answer["message"]


def test_the_apply_fast_path_is_capped_too():
    # given bodies over the limit to one-tap apply, declared and streamed
    declared = Client(chunks=1000)
    streamed = Client(chunks=1000)

    # when they reach the application
    call("/api/v1/applications", declared, content_length=1024 * 1024)
    call("/api/v1/applications", streamed, content_length=None)

    # then both are refused before the body is read past the limit
    assert (declared.status, declared.reads) == (413, 0)
    assert streamed.status == 413
    assert streamed.reads == settings.REQUEST_BODY_MAX_BYTES // CHUNK + 1
    assert json.loads(streamed.body)["code"] == "too_large"


def test_a_body_under_the_limit_reaches_django():
    # given a small JSON body to an API path that does not exist
    client = Client(chunks=1, chunk=b"{}")

    call("/api/v1/no-such-endpoint", client, content_length=2)

    assert client.status == 404


def test_upload_routes_take_more_than_the_plain_limit_but_not_more_than_theirs():
    from config.asgi import application

    limit = application.application_mapping["http"]
    assert limit.limit_for("/contracts/verify/") == settings.REQUEST_UPLOAD_MAX_BYTES
    assert limit.limit_for("/accounts/organisations/12/documents/") == (
        settings.REQUEST_UPLOAD_MAX_BYTES
    )
    assert limit.limit_for("/accounts/organisations/new/") == settings.REQUEST_UPLOAD_MAX_BYTES
    assert limit.limit_for("/accounts/organisations/12/edit/") == settings.REQUEST_BODY_MAX_BYTES
    assert limit.limit_for("/contracts/verify/x") == settings.REQUEST_BODY_MAX_BYTES
    # A report's screenshot and an appeal's evidence, on the pages and through the API; the
    # API's JSON next to them keeps the plain limit.
    assert limit.limit_for("/report/job/12/") == settings.REQUEST_UPLOAD_MAX_BYTES
    assert limit.limit_for("/manage/3/cases/12/appeal/") == settings.REQUEST_UPLOAD_MAX_BYTES
    assert limit.limit_for("/api/v1/reports/12/screenshot") == settings.REQUEST_UPLOAD_MAX_BYTES
    assert limit.limit_for("/api/v1/organisations/3/cases/12/appeal/evidence") == (
        settings.REQUEST_UPLOAD_MAX_BYTES
    )
    assert limit.limit_for("/api/v1/reports") == settings.REQUEST_BODY_MAX_BYTES
    assert limit.limit_for("/api/v1/organisations/3/cases/12/appeal") == (
        settings.REQUEST_BODY_MAX_BYTES
    )
    assert limit.limit_for("/api/v1/reports/12/screenshot/x") == settings.REQUEST_BODY_MAX_BYTES

    client = Client(chunks=1000)
    call("/contracts/verify/", client, content_length=settings.REQUEST_UPLOAD_MAX_BYTES + 1)
    assert (client.status, client.reads) == (413, 0)


def test_django_refuses_form_data_over_the_plain_limit_itself():
    # Django's own check is kept in step: a form body over the limit never reaches a view.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_BODY_MAX_BYTES
    assert settings.REQUEST_UPLOAD_MAX_BYTES > settings.UPLOAD_MAX_BYTES


# --- over a real server ------------------------------------------------------------------------


def _connection(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)


def test_a_server_answers_a_declared_200_mb_post_before_the_body_is_sent(asgi_server):  # noqa: F811
    # given a connection that declares 200 MB and sends only its headers
    connection = _connection(asgi_server)
    connection.putrequest("POST", "/no/such/page/")
    connection.putheader("Content-Length", str(200 * 1024 * 1024))
    connection.putheader("Content-Type", "application/octet-stream")
    connection.endheaders()

    # when it waits for an answer
    response = connection.getresponse()

    # then 413 came at once, and the connection is not reused
    assert response.status == 413
    assert response.getheader("Connection") == "close"
    connection.close()


def test_an_upload_route_accepts_a_5_mb_file(asgi_server):  # noqa: F811
    # given a 5 MB PDF, posted with its CSRF token to the public verify page
    secret = get_random_string(32)
    boundary = "----daigangboundary"
    pdf = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n',
            secret.encode(),
            f"\r\n--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="file"; filename="contract.pdf"\r\n',
            b"Content-Type: application/pdf\r\n\r\n",
            pdf,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    connection = _connection(asgi_server)

    # when it is sent
    connection.request(
        "POST",
        "/contracts/verify/",
        body,
        {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": f"csrftoken={secret}",
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()

    # then the view answered it (no such contract here), not the body limit
    assert response.status == 200


@pytest.mark.parametrize("size", [2 * 1024 * 1024])
def test_a_server_refuses_a_streamed_body_past_the_limit(asgi_server, size):  # noqa: F811
    # given a chunked body much larger than the limit
    connection = _connection(asgi_server)
    connection.putrequest("POST", "/accounts/login/")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    chunk = b"x" * CHUNK
    sent = 0
    try:
        while sent < size:
            connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed while we were still sending

    # when the answer is read
    response = connection.getresponse()

    # then 413
    assert response.status == 413
    connection.close()
