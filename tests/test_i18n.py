"""The English catalogue: complete, compiled, in sync with the source, and used by the pages.

The UI is written in Chinese (the msgids); locale/en holds the English. A page asked for in
English must show no Chinese UI text at all: the data in these tests is written in ASCII, so any
CJK character left on an English page is a string nobody wrapped or translated.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs.models import Board, Job, Shift
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# CJK ideographs and CJK/full-width punctuation (，。：（）、).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Chinese that is meant to stay on an English page: the language's own name in the switcher.
ALLOWED_CHINESE = ("简体中文",)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*[^{}]+?\s*\}\}|\{\w+\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def po_entries(path: Path) -> list[Entry]:
    """A small .po reader: enough for the files makemessages writes (no msgctxt here)."""
    entries: list[Entry] = []
    entry, target = Entry(), None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if target is not None:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#~"):
            entry.obsolete, target = True, target or "obsolete"
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(r'(msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$', line):
            keyword, index, text = match.groups()
            target = keyword if index is None else int(index)
            if keyword == "msgstr":
                target = 0
            _po_append(entry, target, ast.literal_eval(text), new=True)
        elif line.startswith('"'):
            _po_append(entry, target, ast.literal_eval(line), new=False)
    return entries


def _po_append(entry: Entry, target: str | int | None, text: str, *, new: bool) -> None:
    if isinstance(target, int):
        entry.msgstr[target] = ("" if new else entry.msgstr[target]) + text
    elif target == "msgid":
        entry.msgid = ("" if new else entry.msgid) + text
    elif target == "msgid_plural":
        entry.msgid_plural = ("" if new else entry.msgid_plural or "") + text


def messages() -> list[Entry]:
    return [e for e in po_entries(PO_PATH) if e.msgid and not e.obsolete]


@pytest.fixture(autouse=True)
def _back_to_chinese():
    """LocaleMiddleware leaves the language it activated on the thread; later tests expect zh."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- the catalogue ---------------------------------------------------------------------------


def test_every_message_has_an_english_translation_and_none_is_fuzzy():
    entries = messages()
    assert len(entries) > 900
    untranslated = [e.msgid for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    assert not [e for e in po_entries(PO_PATH) if e.obsolete], "drop obsolete (#~) entries"


def test_english_keeps_every_placeholder_of_the_chinese():
    wrong = [
        (e.msgid, text)
        for e in messages()
        for text in e.msgstr.values()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.msgid))
    ]
    assert wrong == []


def test_the_chinese_speaks_to_people_in_one_register_您_never_你():
    # Seekers, HR staff and bureau operators are addressed politely, the same on every page.
    assert [e.msgid for e in messages() if "你" in e.msgid] == []


def test_english_plurals_have_a_singular_and_a_plural_form():
    plurals = [e for e in messages() if e.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert set(entry.msgstr) == {0, 1}, entry.msgid
        assert entry.msgstr[0] != entry.msgstr[1], entry.msgid


def test_the_committed_mo_file_holds_exactly_what_the_po_file_says():
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages():
        if entry.msgid_plural is None:
            got = [compiled.gettext(entry.msgid)]
        else:
            got = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
        if got != [entry.msgstr[i] for i in sorted(entry.msgstr)]:
            stale.append(entry.msgid)
    assert stale == [], "run `make messages` to recompile locale/en/LC_MESSAGES/django.mo"
    # Nothing in the .mo that the .po no longer has (the header is the "" key).
    keys = {key if isinstance(key, str) else key[0] for key in compiled._catalog}
    assert keys - {""} == {e.msgid for e in messages()}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_the_po_file_has_every_string_the_source_marks_for_translation(tmp_path):
    # given a copy of the source and the current catalogue
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "node_modules")
    for part in ("config", "daigang", "templates", "locale"):
        shutil.copytree(BASE_DIR / part, copy / part, ignore=ignore)
    shutil.copy(BASE_DIR / "manage.py", copy / "manage.py")
    # when makemessages runs on the copy
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DAIGANG_VAR_DIR": str(tmp_path / "var")},
        timeout=120,
    )
    # then it finds no message the committed catalogue lacks, and none it has is stale
    fresh = {e.msgid for e in po_entries(copy / "locale/en/LC_MESSAGES/django.po") if e.msgid}
    committed = {e.msgid for e in messages()}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"
    assert sorted(committed - fresh) == [], "run `make messages` to drop strings no longer used"


# --- pages -----------------------------------------------------------------------------------


def world():
    """A verified organisation with a published job and a live room pinning it, all in ASCII."""
    owner = user_make(name="Li")
    organisation = organisation_make(name="Acme Electronics Co", owner=owner)
    job = job_make(
        organisation=organisation,
        title="Phone assembly worker",
        kind_of_work="assembly",
        address="1 Zhen'an Road",
        benefits=["五险一金", "免费班车"],
        requirements="Good eyesight.",
        duties="Sit-down work, a mentor shows you how.",
        board=Board.ROOM_AND_BOARD,
        shift=Shift.TWO_SHIFTS,
        couple_rooms=True,
        assembly_line=True,
        age_min=18,
        age_max=45,
    )
    # Place names are data, and the region list (daigang.regions) has them in Chinese only:
    # the job is written as one saved before regions, with ASCII names and no region.
    Job.objects.filter(pk=job.pk).update(
        region=None, province="Guangdong", city="Dongguan", district="Chang'an"
    )
    job.refresh_from_db()
    room = room_make(
        organisation=organisation,
        anchors=[owner],
        jobs=[job],
        state=Room.State.LIVE,
        title="Dongguan factory jobs live",
    )
    room.pinned_job = job
    room.save(update_fields=["pinned_job"])
    return job, room


def pages(job, room) -> dict[str, str]:
    return {
        "home": reverse("jobs:home"),
        "job": reverse("jobs:detail", args=[job.pk]),
        "login": reverse("accounts:login"),
        "room": reverse("live:room", args=[room.pk]),
    }


def chinese_left(html: str) -> list[str]:
    # JSON-LD is for search engines; its USCC propertyID is the code's official Chinese name.
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.DOTALL)
    # The 听 button reads a job in Mandarin whatever the page's language (daigang.jobs.listen).
    html = re.sub(r'data-listen-text="[^"]*"', "", html)
    for allowed in ALLOWED_CHINESE:
        html = html.replace(allowed, "")
    return sorted({line.strip()[:120] for line in html.splitlines() if CJK.search(line)})


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "job", "login", "room"])
def test_a_browser_asking_for_english_gets_the_page_without_any_chinese(client, page):
    # given
    job, room = world()
    # when
    response = client.get(pages(job, room)[page], HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert chinese_left(html) == []


@pytest.mark.django_db
def test_english_pages_use_the_glossary_words(client):
    # given
    job, room = world()
    url = pages(job, room)
    # when
    home = client.get(url["home"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    detail = client.get(url["job"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    login = client.get(url["login"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    live = client.get(url["room"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # then
    assert "Find a job" in home and "22-26 yuan/hour" in home
    assert "Room and board" in home and "Couple room" in home and "Two shifts" in home
    assert "Social insurance and housing fund" in home and "Free shuttle bus" in home
    assert "Apply now" in detail and "一键报名" not in detail
    assert "(assembly line)" in detail and "18–45 years" in detail
    assert "Log in with your phone" in login and "Get code" in login
    assert "Pinned" in live and "Apply now" in live and "Jobs in this room (1)" in live


CHINESE_MARKS = {"home": "找工作", "job": "一键报名", "login": "手机号登录", "room": "讲解中"}


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "job", "login", "room"])
def test_without_a_language_preference_pages_are_chinese(client, page):
    # given
    job, room = world()
    # when
    html = client.get(pages(job, room)[page]).content.decode()
    # then
    assert '<html lang="zh-hans">' in html
    assert CHINESE_MARKS[page] in html
    assert "Apply now" not in html


@pytest.mark.django_db
def test_choosing_english_in_the_switcher_keeps_english_for_later_pages(client):
    # given a Chinese-speaking browser on a job page
    job, _room = world()
    detail = reverse("jobs:detail", args=[job.pk])
    assert "一键报名" in client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    # when the footer switcher posts English
    response = client.post(reverse("set_language"), {"language": "en", "next": detail})
    # then it goes back to the page, now in English even though the browser prefers Chinese
    assert response.status_code == 302 and response["Location"] == detail
    html = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Apply now" in html and "一键报名" not in html
    # and switching back gives Chinese again
    client.post(reverse("set_language"), {"language": "zh-hans", "next": detail})
    assert "一键报名" in client.get(detail).content.decode()


# --- the room WebSocket ----------------------------------------------------------------------


def room_socket(room_id: int, *headers: tuple[bytes, bytes]):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    return WebsocketCommunicator(
        application, f"/ws/rooms/{room_id}/", headers=[(b"origin", b"http://localhost"), *headers]
    )


@pytest.mark.django_db(transaction=True)
def test_the_room_socket_greets_a_visitor_in_the_language_of_their_page():
    from daigang.live.testing import room_make
    from daigang.live.tests.chat_fixtures import joined, run

    # given a live room and three anonymous visitors: English browser, switcher cookie, default
    room = room_make(state=Room.State.LIVE)

    async def scenario():
        hellos = []
        for headers in (
            [(b"accept-language", b"en-GB,en;q=0.9")],
            [(b"accept-language", b"zh-CN"), (b"cookie", b"django_language=en")],
            [],
        ):
            socket = room_socket(room.pk, *headers)
            hellos.append((await joined(socket))["hello"]["notice"])
            await socket.disconnect()
        return hellos

    # when they join
    english, switched, default = run(scenario)
    # then the log-in notice speaks their language
    assert english == switched == "Log in to chat"
    assert default == "登录后才能发言"
