from __future__ import annotations

import pytest
from django.conf import settings as site_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _back_to_site_language():
    """LocaleMiddleware leaves the language a request asked for active on the thread; a test
    that sent Accept-Language: en must not make the next one read English."""
    yield
    translation.activate(site_settings.LANGUAGE_CODE)
