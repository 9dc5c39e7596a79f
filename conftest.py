from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads go to a per-test folder, never the developer's var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
