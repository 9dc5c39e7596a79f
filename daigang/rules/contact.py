"""Contact moving (引流): a phone number, a WeChat or QQ id, or an invitation to add one.

In a room's chat, contact goes through one-tap apply (the organisation sees the seeker's phone
once they apply, with consent): a viewer's message with contact details is held back, and a
member of the organisation may not post them. `contact_found` says what gave it away.

Read in the normal form (daigang.rules.normalise: full-width digits, ①③⑦, spaces between
digits and traditional characters are already undone), with spelled-out digits (一三七, 幺,
壹贰叁) read as digits and separators between digits ("137-1234-5678", "137.1234.5678")
dropped. Then, in order:
- a mobile number: eleven digits 1[3-9]…, not part of a longer number; a landline 0xx(x)
  followed by 7–8 digits;
- "加V", "加微", "vx", "威信" and their kin: an invitation to move elsewhere, held on its own;
- 微信/QQ/扣扣 and the like followed by an id of five or more letters and digits;
- an e-mail address.
Wages ("月薪6000-8000", "工价23元/小时"), dates ("2026-12-05"), times and headcounts are not
contact: no run of them is eleven digits starting 1[3-9], and none is led by a contact word.
"""

from __future__ import annotations

import re

from daigang.rules.normalise import normalise

# Spelled-out digits, as read aloud (幺 for one, 两 for two) and in the financial forms.
_DIGITS = str.maketrans(
    {
        "零": "0",
        "〇": "0",
        "洞": "0",
        "一": "1",
        "幺": "1",
        "壹": "1",
        "二": "2",
        "两": "2",
        "贰": "2",
        "三": "3",
        "叁": "3",
        "四": "4",
        "肆": "4",
        "五": "5",
        "伍": "5",
        "六": "6",
        "陆": "6",
        "七": "7",
        "柒": "7",
        "八": "8",
        "捌": "8",
        "九": "9",
        "玖": "9",
    }
)
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\-_.·•*~/\\|+=,，、()（）\[\]【】]+(?=\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0[1-9]\d{1,2}\d{7,8}(?!\d)")
# An invitation to move to another app, held without an id.
_INVITATION = re.compile(
    r"加[我个]?(?:v|微|wx|vx|q|扣|企鹅|薇|威)"
    r"|(?<![a-z])(?:vx|wx|v信|weixin|vxin|wechat)(?![a-z])"
    r"|威信|薇信|徽信|维信|围信|卫星号|微x|\+v(?![a-z])|扣扣|企鹅号|q号"
)
_ID_WORD = r"(?:微信|weixin|wechat|qq|电话|手机|手机号|号码|tel|phone)"
# The word, a few characters of "号", "是", ":" …, then an id.
_WORD_THEN_ID = re.compile(
    rf"(?<![a-z]){_ID_WORD}(?:号码|号|是|为|[:：=])?[:：]?([a-z][a-z0-9_\-]{{5,19}}|\d{{5,12}})(?![a-z0-9])"
)
_EMAIL = re.compile(r"[a-z0-9._\-]+@[a-z0-9\-]+\.[a-z]{2,}")
# Text with none of these cannot hold contact: most chat skips the expressions above.
_SUSPECT = re.compile(
    r"[0-9a-z@零〇洞一幺壹二两贰三叁四肆五伍六陆七柒八捌九玖加微威薇徽维围卫扣企]"
)


def contact_found(text: str) -> str | None:
    """What in `text` is contact details (see the module docstring), or None."""
    normal = normalise(text).text
    if _SUSPECT.search(normal) is None:
        return None
    read = _BETWEEN_DIGITS.sub("", normal.translate(_DIGITS))
    for pattern in (_MOBILE, _LANDLINE, _INVITATION, _WORD_THEN_ID, _EMAIL):
        found = pattern.search(read)
        if found is not None:
            return found.group()
    return None
