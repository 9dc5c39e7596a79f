"""deploy/nginx/daigang.conf, as shipped, in front of the real application: Debian's nginx on
loopback with a throwaway certificate, Chromium as the browser.

The file is used as it is; only what a deployment replaces is replaced (the name and the
certificate's path, the checkout's path, the listening and upstream ports)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from daigang.accounts.models import User
from daigang.accounts.testing import organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make
from tests.conftest import orm

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "daigang.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _site(*, upstream: str, http: int, https: int, static: Path, cert: Path, key: Path) -> str:
    """deploy/nginx/daigang.conf with a deployment's substitutions, on loopback."""
    text = SITE.read_text()
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    replaced = {
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "server 127.0.0.1:8000;": f"server {upstream};",
        "/srv/daigang/staticfiles/": f"{static}/",
        "/etc/letsencrypt/live/jobs.example.gov.cn/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/jobs.example.gov.cn/privkey.pem": str(key),
    }
    for old, new in replaced.items():
        assert old in text, f"{old!r} is no longer in {SITE.name}: update this test"
        text = text.replace(old, new)
    return text


@pytest.fixture
def nginx(asgi_server, tmp_path):
    """nginx serving the site in front of `asgi_server`; yields (https base, http base)."""
    cert, key = _certificate(tmp_path)
    http, https = _free_port(), _free_port()
    site = _site(
        upstream=asgi_server.removeprefix("http://"),
        http=http,
        https=https,
        static=Path(settings.STATIC_ROOT),
        cert=cert,
        key=key,
    )
    (tmp_path / "site.conf").write_text(site)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {tmp_path}/site.conf;
}}
"""
    (tmp_path / "nginx.conf").write_text(main)
    check = subprocess.run(
        [NGINX, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf")])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.1)
        yield f"https://127.0.0.1:{https}", f"http://127.0.0.1:{http}"
    finally:
        process.terminate()
        process.wait(timeout=10)


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
