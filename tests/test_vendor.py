"""The browser libraries in static/vendor are the pinned releases VERSIONS.md names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"


def test_every_pinned_vendor_file_has_the_recorded_sha256():
    table = (VENDOR / "VERSIONS.md").read_text(encoding="utf-8")
    pinned = re.findall(r"^\| `([^`]+)` .*`([0-9a-f]{64})` \|$", table, re.M)
    assert pinned, "VERSIONS.md lists no sha256"
    for name, sha256 in pinned:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == sha256, name
