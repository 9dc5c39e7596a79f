"""What the relay checks in an offer and adds to its answer, beyond what aiortc does.

aiortc answers nearly anything that starts with `v=0`: a body of junk gets an answer with no
media, an offer that only wants to receive gets a publisher slot. RFC 9725 wants a 4xx for
those, and the room must not go live on them.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from daigang.core.refused import Refused

# RFC 8866 section 5: every line is `<type>=<value>`, the type one lower-case letter.
_LINE = re.compile(r"[a-z]=.*")
_DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def offer_check(sdp: str, *, publishing: bool) -> None:
    """Refuse an offer that is not SDP (400) or has nothing to publish or receive (422).

    Publishing needs an audio or video section the client sends on (sendonly/sendrecv);
    watching one it receives on (recvonly/sendrecv).
    """
    lines = _lines(sdp)
    if not lines or lines[0] != "v=0" or not all(_LINE.fullmatch(line) for line in lines):
        raise Refused("offer_malformed", _("请求体不是有效的 SDP offer。"), status=400)
    wanted = ("sendonly", "sendrecv") if publishing else ("recvonly", "sendrecv")
    if not any(direction in wanted for direction in _media_directions(lines)):
        message = (
            _("SDP offer 中没有要发送的音频或视频（需要 sendonly 或 sendrecv）。")
            if publishing
            else _("SDP offer 中没有要接收的音频或视频（需要 recvonly 或 sendrecv）。")
        )
        raise Refused("offer_no_media", message, status=422)


def _media_directions(lines: list[str]) -> list[str]:
    """The direction of each audio/video section in use (port not 0), RFC 3264 defaults."""
    session_direction = "sendrecv"
    sections: list[list[str]] = []
    for line in lines:
        if line.startswith("m="):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        elif line.startswith("a=") and line[2:] in _DIRECTIONS:
            session_direction = line[2:]
    directions = []
    for section in sections:
        fields = section[0][2:].split(" ")
        if fields[0] not in ("audio", "video") or len(fields) < 2 or fields[1] == "0":
            continue
        found = [line[2:] for line in section if line.startswith("a=") and line[2:] in _DIRECTIONS]
        directions.append(found[0] if found else session_direction)
    return directions


def answer_candidates_count(sdp: str) -> int:
    return sum(1 for line in sdp.split("\r\n") if line.startswith("a=candidate:"))


def answer_finish(sdp: str) -> str:
    """Mark every bundled media section `a=rtcp-mux-only` (RFC 9725 4.2, RFC 8858).

    aiortc multiplexes RTP and RTCP on the bundle's one port but writes only `a=rtcp-mux`.
    """
    lines = sdp.split("\r\n")
    bundled: set[str] = set()
    for line in lines:
        if line.startswith("a=group:BUNDLE "):
            bundled.update(line.split(" ")[1:])
    out: list[str] = []
    section: list[str] = []

    def flush() -> None:
        mids = [line[len("a=mid:") :] for line in section if line.startswith("a=mid:")]
        mux_only = bool(mids) and mids[0] in bundled and "a=rtcp-mux-only" not in section
        for line in section:
            out.append(line)
            if mux_only and line == "a=rtcp-mux":
                out.append("a=rtcp-mux-only")
        section.clear()

    for line in lines:
        if line.startswith("m="):
            flush()
        section.append(line)
    flush()
    return "\r\n".join(out)


def answer_setup(offer_sdp: str) -> str:
    """The DTLS role (`a=setup:`) the relay answers with: passive, unless the offer is passive.

    As the DTLS client aiortc offers only ECDSA cipher suites, which a publisher with an RSA
    certificate (GStreamer's WHIP client, several hardware encoders) cannot pick: "no shared
    cipher". As the server it picks the suite, and the client's certificate only signs.
    """
    setups = {line[len("a=setup:") :] for line in _lines(offer_sdp) if line.startswith("a=setup:")}
    return "active" if setups == {"passive"} else "passive"


def answer_setup_set(answer_sdp: str, setup: str) -> str:
    return "\r\n".join(
        f"a=setup:{setup}" if line.startswith("a=setup:") else line
        for line in answer_sdp.split("\r\n")
    )


def _lines(sdp: str) -> list[str]:
    return [line for line in sdp.replace("\r\n", "\n").split("\n") if line]
