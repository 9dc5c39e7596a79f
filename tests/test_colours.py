"""The brand colours are read on white and on the page background by people on cheap, dim
phones in daylight: text colours keep WCAG AA contrast (4.5:1) on both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "daigang.css"


def _variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS.read_text(), re.S)
    assert root is not None
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root[1]))


def _luminance(colour: str) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", ["red", "ink", "muted", "ok", "warn"])
def test_text_colours_keep_aa_contrast_on_white_and_on_the_page_background(name):
    colours = _variables()
    for background in ("#ffffff", colours["bg"]):
        assert _contrast(colours[name], background) >= 4.5, (name, background)


def test_white_text_on_a_red_button_keeps_aa_contrast():
    assert _contrast("#ffffff", _variables()["red"]) >= 4.5
