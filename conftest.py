from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads (jobs read aloud, rooms' HLS) go to a per-test folder, never the developer's var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LISTEN_AUDIO_DIR = tmp_path / "listen"
    settings.REPLAY_ROOT = tmp_path / "replays"
    # Rooms are recorded only in the tests that say so (a recorder thread writes rows).
    settings.REPLAYS_ENABLED = False
    settings.STREAM_HLS_ROOT = tmp_path / "hls"  # a room's HLS (daigang.streaming.hls)


@pytest.fixture(autouse=True)
def _fair_counters_at_once(settings):
    """The fair counters are written as each apply commits, not by a thread a second later."""
    settings.FAIR_COUNTERS_FLUSH_MS = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """Send budgets live in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _chat_rules_forgotten():
    """Chat's moderation rules are cached per room in the process (daigang.live.moderation):
    a room id reused after a flush must not find the last test's mutes."""
    from daigang.live.moderation import room_rules_forget

    room_rules_forget()


@pytest.fixture
def sms_outbox(settings):
    """SMS land in a list the test can read (like django.core.mail.outbox), empty at the start."""
    from daigang.accounts import sms

    settings.SMS_BACKEND = "daigang.accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _regions_loaded(request):
    """China's divisions come from a data migration; a transactional test's flush empties them.

    pytest-django runs the `db` tests first (on the migrated data) and the transactional ones
    after, each of which may start on a flushed database: those get the regions loaded again
    from the installed package (a bulk insert of ~3,200 rows).
    """
    fixtures = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from daigang.regions.services import regions_ensure_loaded

    regions_ensure_loaded()


@pytest.fixture(scope="session", autouse=True)
def _static_files_collected():
    """Pages link static files by hashed name, from the manifest `collectstatic` writes: the
    tests use a collected copy made once per content of static/ (daigang.core.testing). Also
    in the environment, for the `manage.py` and servers a test starts in another process."""
    import os

    from django.test.utils import override_settings

    from daigang.core.testing import static_files_collected

    root = static_files_collected()
    before = os.environ.get("STATIC_ROOT")
    os.environ["STATIC_ROOT"] = str(root)
    with override_settings(STATIC_ROOT=root):
        yield root
    if before is None:
        del os.environ["STATIC_ROOT"]
    else:
        os.environ["STATIC_ROOT"] = before
