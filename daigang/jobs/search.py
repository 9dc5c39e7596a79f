"""Chinese keyword search: jieba tokens stored on the job, every query token must match.

The job's text is segmented with `cut_for_search`, which emits both whole words and their
dictionary sub-words ("电子厂" → "电子", "电子厂"), so a query for either finds it. The query is
segmented in accurate mode (`cut`), so "电子厂普工" asks for "电子厂" AND "普工", not for every
fragment. Tokens are stored space-separated with a space at each end, so a query token is
matched as a whole token (`" 普工 "`) with a plain LIKE that works on SQLite and PostgreSQL alike.

jieba is loaded once per process, lazily (the first search or save pays ~0.5 s), with its
progress logging silenced; the domain words below are added so that common job words stay whole.
"""

from __future__ import annotations

import logging
import re
import threading

import jieba

# Words a blue-collar job board lives on that jieba's default dictionary splits apart
# ("包吃住" → "包吃" + "住", "叉车工" → "叉车" + "工").
DOMAIN_WORDS: tuple[str, ...] = (
    "包吃住",
    "包住",
    "包吃",
    "餐补",
    "夫妻间",
    "夫妻房",
    "长白班",
    "两班倒",
    "三班倒",
    "长夜班",
    "五险一金",
    "免费班车",
    "流水线",
    "普工",
    "电子厂",
    "操作工",
    "叉车工",
    "分拣员",
    "快递员",
    "质检员",
    "装卸工",
    "搬运工",
    "打包员",
    "理货员",
    "仓管员",
    "缝纫工",
    "焊工",
    "零工",
    "日结",
    "周结",
    "月结",
    "半月结",
    "临时工",
    "小时工",
)

# A letter, digit or CJK character; punctuation, spaces and "_" alone are not words.
_WORD_RE = re.compile(r"[^\W_]")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word, freq=200000)
                _tokenizer = tokenizer
    return _tokenizer


def _clean(tokens: object) -> list[str]:
    """Lower-cased tokens that carry a word character, first occurrence only."""
    seen: dict[str, None] = {}
    for token in tokens:  # type: ignore[attr-defined]
        token = token.strip().lower()
        if token and _WORD_RE.search(token):
            seen.setdefault(token, None)
    return list(seen)


# "深圳市", "佛山市南海区", "广东省深圳市" at the start of an organisation's registered name.
_PLACE_PREFIX_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}?(?:省|自治区|市|区|县|镇))+")


def organisation_name_for_search(name: str) -> str:
    """The organisation's name without the place it registered in.

    An agency registered in 深圳 recruits for factories in 惠州; a seeker searching "深圳" wants
    jobs located in 深圳, so only the job's own location may answer to a place name.
    """
    return _PLACE_PREFIX_RE.sub("", name or "")


def search_text_build(*parts: str) -> str:
    """The value stored in Job.search_text: " tok1 tok2 … " (spaces at both ends)."""
    tokenizer = _jieba()
    tokens = _clean(t for part in parts if part for t in tokenizer.cut_for_search(part))
    return f" {' '.join(tokens)} " if tokens else ""


def search_query_tokens(query: str) -> list[str]:
    """Tokens that must all appear in a job's search_text for it to match `query`."""
    query = (query or "").strip()
    if not query:
        return []
    tokenizer = _jieba()
    return _clean(t for word in query.split() for t in tokenizer.cut(word))
