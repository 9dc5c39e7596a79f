"""deploy/nginx/daigang.conf, as shipped, on loopback in front of web processes: Debian's nginx
with a throwaway certificate (tests/e2e/test_nginx.py, tests/e2e/test_nginx_relay.py).

The file is used as it is; only what a deployment replaces is replaced (the name and the
certificate's path, the checkout's path, the listening and upstream ports)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "daigang.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
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


def _site(
    *,
    upstreams: list[str],
    http: int,
    https: int,
    static: Path,
    cert: Path,
    key: Path,
    cache: Path,
) -> str:
    """deploy/nginx/daigang.conf with a deployment's substitutions, on loopback."""
    text = SITE.read_text()
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    replaced = {
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "server 127.0.0.1:8000;": " ".join(f"server {upstream};" for upstream in upstreams),
        "/srv/daigang/staticfiles/": f"{static}/",
        "/etc/letsencrypt/live/jobs.example.gov.cn/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/jobs.example.gov.cn/privkey.pem": str(key),
        "/var/cache/nginx/daigang_hls": str(cache),
    }
    for old, new in replaced.items():
        assert old in text, f"{old!r} is no longer in {SITE.name}: update this test"
        text = text.replace(old, new)
    return text


@contextmanager
def nginx_serving(tmp_path: Path, upstreams: list[str]) -> Iterator[tuple[str, str]]:
    """nginx serving the site in front of `upstreams` ("127.0.0.1:port", round robin);
    yields (https base, http base)."""
    cert, key = _certificate(tmp_path)
    http, https = free_port(), free_port()
    site = _site(
        upstreams=upstreams,
        http=http,
        https=https,
        static=Path(settings.STATIC_ROOT),
        cert=cert,
        key=key,
        cache=tmp_path / "hls-cache",
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
