"""Per-message cost of the chat content checks: the money rules (daigang.live.chat.
chat_content_check) and contact moving (daigang.rules.contact.contact_found), which every
message goes through.

    python -m bench.chat_rules [--messages 20000]

Chat is a hot path (bench/chat_fanout sends 50 messages/s into one room); this times the check
alone on a mix of ordinary chat, long messages and ones it refuses, after the automata are
built (once per process, timed separately).
"""

from __future__ import annotations

import argparse
import os
import time

SAMPLES = (
    "老板，包住吗？",
    "几点上班？",
    "今天面试的人多吗，工资怎么算，有没有夫妻间，我和老婆一起来的，都是河南的",
    "电子厂普工，长白班，包吃包住，工价22元/小时，月结，五险一金，不收任何费用" * 3,
    "666",
    "主播好",
    "入職需交保證金200元",
    "交yajin二百",
    "加V详聊 一三七 1234 5678",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from daigang.core.refused import Refused
    from daigang.live.chat import chat_content_check
    from daigang.rules.contact import contact_found

    def check(text: str) -> None:
        contact_found(text)
        try:
            chat_content_check(text)
        except Refused:
            pass

    started = time.perf_counter()
    check("warm up")
    print(f"first call (builds the automata): {(time.perf_counter() - started) * 1000:.0f} ms")
    for label, samples in (("ordinary", SAMPLES[:6]), ("refused", SAMPLES[6:])):
        count = 0
        started = time.perf_counter()
        while count < args.messages:
            for text in samples:
                check(text)
                count += 1
        elapsed = time.perf_counter() - started
        print(f"{label:9} {count:7,} messages  {elapsed / count * 1e6:6.1f} µs/message")


if __name__ == "__main__":
    main()
