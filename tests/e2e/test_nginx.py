"""deploy/nginx/daigang.conf, as shipped, in front of the real application: Debian's nginx on
loopback with a throwaway certificate, Chromium as the browser.

The file is used as it is; only what a deployment replaces is replaced (the name and the
certificate's path, the checkout's path, the listening and upstream ports)."""

from __future__ import annotations

import json
import uuid

import pytest

from daigang.accounts.models import User
from daigang.accounts.testing import organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make
from tests.conftest import orm
from tests.e2e.nginx_site import nginx_serving

pytestmark = pytest.mark.e2e


@pytest.fixture
def nginx(asgi_server, tmp_path):
    """nginx serving the site in front of `asgi_server`; yields (https base, http base)."""
    with nginx_serving(tmp_path, [asgi_server.removeprefix("http://")]) as bases:
        yield bases


def _world() -> tuple[Room, int, User]:
    org = organisation_make()
    job = job_make(organisation=org)
    room = room_make(organisation=org, jobs=[job], state=Room.State.LIVE)
    return room, job.pk, seeker_make(phone="13812345678")


def _session(user: User) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_through_nginx_a_seeker_gets_pages_over_http2_static_files_cached_the_room_socket_and_applies(
    nginx, chromium
):
    https, http = nginx
    room, job_id, seeker = orm(_world)
    context = chromium.new_context(ignore_https_errors=True, viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": "sessionid", "value": orm(_session, seeker), "url": https}])
    page = context.new_page()

    # when: the seeker opens the home page
    response = page.goto(https + "/")
    # then: over HTTP/2, with the headers the application set
    assert response is not None and response.status == 200
    assert page.evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol") == "h2"
    assert "strict-transport-security" in response.headers

    # and: a static file comes from disk, gzipped, cached for a year
    css = next(url for url in page.evaluate("[...document.styleSheets].map(s => s.href)") if url)
    static = context.request.get(css, headers={"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert "immutable" in static.headers["cache-control"]
    assert static.headers.get("content-encoding") == "gzip"

    # and: the room's WebSocket opens through the proxy and its first frame arrives
    page.goto(f"{https}/live/{room.pk}/")
    first = page.evaluate(
        """url => new Promise((resolve, reject) => {
            const ws = new WebSocket(url);
            ws.onmessage = event => { resolve(event.data); ws.close(); };
            ws.onerror = () => reject(new Error('socket failed'));
            setTimeout(() => reject(new Error('no frame in 10 s')), 10000);
        })""",
        f"wss://127.0.0.1:{https.rsplit(':', 1)[1]}/ws/rooms/{room.pk}/",
    )
    assert json.loads(first)

    # and: a one-tap apply through the proxy is stored once, however often it is retried
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    key = str(uuid.uuid4())
    answers = [
        context.request.post(
            f"{https}/api/v1/applications",
            headers={
                "X-CSRFToken": csrf,
                "Idempotency-Key": key,
                "Content-Type": "application/json",
                "Referer": f"{https}/live/{room.pk}/",
                "Origin": https,
            },
            data=json.dumps({"job_id": job_id, "name": "王芳", "consent": True}),
        )
        for _ in range(2)
    ]
    assert [a.status for a in answers] in ([201, 200], [201, 201])
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert orm(lambda: Application.objects.filter(job_id=job_id).count()) == 1

    # and: plain HTTP is sent to HTTPS
    redirect = context.request.get(http + "/jobs/", max_redirects=0)
    assert redirect.status == 301
    assert redirect.headers["location"] == "https://127.0.0.1/jobs/"
    context.close()


def test_nginx_refuses_a_body_bigger_than_the_applications_upload_cap_before_it_reaches_it(
    nginx, chromium
):
    https, _http = nginx
    context = chromium.new_context(ignore_https_errors=True)
    # when: 14 MB to a path that takes uploads (the application's cap is 12 MB)
    answer = context.request.post(
        https + "/contracts/verify/",
        headers={"Content-Type": "application/octet-stream"},
        data=b"x" * (14 * 1024 * 1024),
    )
    # then: nginx answers 413 itself
    assert answer.status == 413
    assert "nginx" in answer.text()
    context.close()
