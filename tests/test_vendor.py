"""The browser libraries in static/vendor (served) and tests/vendor (injected by tests) are the
pinned releases their VERSIONS.md names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"


@pytest.mark.parametrize("folder", [VENDOR, ROOT / "tests" / "vendor"], ids=["static", "tests"])
def test_every_pinned_vendor_file_has_the_recorded_sha256(folder):
    table = (folder / "VERSIONS.md").read_text(encoding="utf-8")
    pinned = re.findall(r"^\| `([^`]+)` .*`([0-9a-f]{64})` \|$", table, re.M)
    assert pinned, "VERSIONS.md lists no sha256"
    for name, sha256 in pinned:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha256, name
