"""Static files: hashed names, compressed once, cached for a year; in every mode, `make run`'s too.

`collectstatic` (run by `make run` and `make serve`) copies every file to STATIC_ROOT under a
name holding a hash of its content (css/daigang.3f9c0a1b2c4d.css), next to a gzip (.gz) and a
brotli (.br) copy made once there. WhiteNoise serves them: the copy the browser accepts, with
`Cache-Control: max-age=<one year>, public, immutable`, since a changed file gets a new name.
A phone that has been here once asks for none of them again until they change.
"""

from __future__ import annotations

from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

ONE_YEAR_S = 365 * 24 * 60 * 60


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, naming the hashed file in DEBUG too.

    Django's manifest storage hands out the plain name while DEBUG is on; `make run` runs with
    DEBUG on, and a phone trying it must get what production sends (hashed, compressed,
    cached), so pages always link the hashed name.
    """

    def url(self, name: Any, force: bool = False) -> str:
        return super().url(name, force=True)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, caching a hashed file for a year (its default is ten): a year is the longest
    lifetime HTTP caches are expected to honour, and a changed file has a new name anyway."""

    FOREVER = ONE_YEAR_S
