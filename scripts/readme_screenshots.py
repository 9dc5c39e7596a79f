"""Take the README's screenshots ("What it looks like") from the demo, as its users see it.

    .venv/bin/python scripts/readme_screenshots.py        # writes docs/screenshots/*.png

A fresh database in a temporary directory gets the demo data (`load_demo`), uvicorn serves it on
127.0.0.1:8123, and Debian's Chromium (Playwright) opens each page on a 360×740 phone and a
1366×768 laptop, logged in as the person who uses that page (a Django session made here, in the
same database). Only loopback is used.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"
SIZES = {"phone": (360, 740), "laptop": (1366, 768)}


def _wait_for_server(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # loopback only
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _pages() -> list[tuple[str, str, str | None]]:
    """(name, path, phone of the person logged in or None) for each screenshot."""
    from django.urls import reverse

    from daigang.demo.data import DEMO_ORGANISATIONS
    from daigang.demo.load import SEEKER_PHONE
    from daigang.jobs.models import Job
    from daigang.live.models import Room

    owner = DEMO_ORGANISATIONS[0].owner_phone
    job = Job.objects.filter(status=Job.Status.PUBLISHED).order_by("id").first()
    assert job is not None, "the demo has published jobs"
    org = job.organisation
    room = Room.objects.filter(organisation=org).order_by("id").first()
    assert room is not None, "the demo schedules a room per organisation"
    return [
        ("home", reverse("jobs:home"), SEEKER_PHONE),
        ("job", reverse("jobs:detail", args=[job.pk]), SEEKER_PHONE),
        ("workspace", reverse("accounts:organisation_detail", args=[org.pk]), owner),
        ("console", reverse("live:console", args=[room.pk]), owner),
        ("board", reverse("hiring:pipeline_board", args=[org.pk]), owner),
    ]


def _session_cookie(phone: str) -> str:
    from django.test import Client

    from daigang.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(phone=phone))
    return client.cookies["sessionid"].value


def main() -> None:
    from playwright.sync_api import sync_playwright

    var = Path(tempfile.mkdtemp(prefix="daigang-shots-"))
    env = {**os.environ, "DAIGANG_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings"}
    os.environ.update(env)
    python = sys.executable
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    server = subprocess.Popen(
        [
            python,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_server(BASE + "/")
        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        pages = _pages()
        # Sessions made before Playwright starts: its event loop keeps the ORM out.
        cookies = {phone: _session_cookie(phone) for _name, _path, phone in pages if phone}
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
            )
            for name, path, phone in pages:
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=1,
                        locale="zh-CN",
                        is_mobile=size == "phone",
                        has_touch=size == "phone",
                    )
                    if phone:
                        context.add_cookies(
                            [{"name": "sessionid", "value": cookies[phone], "url": BASE}]
                        )
                    page = context.new_page()
                    page.goto(BASE + path, wait_until="networkidle")
                    page.wait_for_timeout(500)  # fonts, charts, the home page's deferred section
                    target = OUT / f"{name}-{size}.png"
                    page.screenshot(path=str(target))
                    print(f"{target.relative_to(ROOT)}  {path}")
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
