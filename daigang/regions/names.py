"""Short names for matching what people type: "东莞" ↔ "东莞市", "广西" ↔ "广西壮族自治区".

A region's short name is its official name without the kind word at its end (省, 市, 自治区,
自治州, 地区, 盟, 县, 区, 旗, …) and, for autonomous areas, without the names of the peoples
before it ("黔南布依族苗族自治州" → "黔南"). A short name is never shorter than two characters:
"忠县" stays "忠县", "城区" stays "城区", "西藏自治区" is "西藏" (藏 is not stripped off 西藏).
Short names are not unique ("朝阳" is a city in 辽宁 and a district in 北京): lookups narrow them
by level and parent.
"""

from __future__ import annotations

import re

# Longest first, so "自治区" is tried before "区" and "特别行政区" before both.
_KIND_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "盟",
    "县",
    "区",
    "旗",
)

# The 55 minority peoples (GB 3304), as they appear in the names of autonomous areas, with and
# without "族" ("巴音郭楞蒙古自治州", "海西蒙古族藏族自治州"). Longest first.
_PEOPLES = tuple(
    sorted(
        (
            "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山"
            " 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米"
            " 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴"
            " 基诺"
        ).split(),
        key=len,
        reverse=True,
    )
)
_MIN_LENGTH = 2
_SPACES = re.compile(r"\s+")


def name_clean(name: str) -> str:
    """What a person typed, without spaces (full-width ones too)."""
    return _SPACES.sub("", (name or "").replace("\u3000", ""))


def short_name(name: str) -> str:
    """The name without its kind word and peoples, for matching ("东莞市" → "东莞")."""
    name = name_clean(name)
    short = name
    for suffix in _KIND_SUFFIXES:
        if short.endswith(suffix) and len(short) - len(suffix) >= _MIN_LENGTH:
            short = short[: -len(suffix)]
            break
    if short != name and name.endswith(("自治区", "自治州", "自治县", "自治旗")):
        short = _strip_peoples(short)
    return short


def _strip_peoples(text: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for people in _PEOPLES:
            for ending in (people + "族", people):
                rest = text[: -len(ending)]
                if text.endswith(ending) and len(rest) >= _MIN_LENGTH:
                    text, stripped = rest, True
                    break
            if stripped:
                break
    return text
