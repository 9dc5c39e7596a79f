"""听岗位: a job read aloud by the server, for phones whose browser has no Chinese voice.

The text is presenters.job_listen_text (the same the browser's own voice reads). espeak-ng,
Debian's package with its Mandarin voice in the package (no model is downloaded, ever), says it
as WAV; PyAV encodes that to a small mono MP3, which every phone browser plays. The file is
named by a hash of the text and of how it is spoken, so it is made once per version of the job
and can be cached by browsers for a year; a job whose text changes gets a new file, and its
older files are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import av
from django.conf import settings
from django.urls import reverse

from daigang.jobs.models import Job
from daigang.jobs.presenters import job_listen_text

# espeak-ng's Mandarin that reads what its dictionary gives (pinyin) as Mandarin; its "cmn"
# voice reads that same pinyin with English rules ("mei3" as "may three").
VOICE = "cmn-latn-pinyin"
WORDS_PER_MINUTE = 150  # a little slower than espeak-ng's 175: for people who listen once
SAMPLE_RATE = 22_050  # espeak-ng's own rate; enough for a synthetic voice
BITRATE = 24_000  # mono MP3: about 3 KB a second
CONTENT_TYPE = "audio/mpeg"
SUFFIX = ".mp3"
SPEAK_TIMEOUT_S = 20
# Part of every hash: changing the voice or the encoding makes new files, not stale ones.
_RECIPE = f"{VOICE}/{WORDS_PER_MINUTE}/{SAMPLE_RATE}/{BITRATE}{SUFFIX}"


class ListenUnavailable(Exception):
    """The server cannot speak (espeak-ng missing or failing): the page falls back to the
    browser's own voice."""


def listen_version(*, text: str) -> str:
    """The hash naming the recording of `text` (16 hex digits)."""
    return hashlib.sha256(f"{_RECIPE}\n{text}".encode()).hexdigest()[:16]


def job_listen_url(job: Job) -> str:
    """The audio's URL for the job as it reads now (changes when the text does)."""
    version = listen_version(text=job_listen_text(job))
    return reverse("jobs:listen", args=[job.pk, version])


def _espeak() -> str:
    found = shutil.which(settings.LISTEN_ESPEAK)
    if found is None:
        raise ListenUnavailable(
            f"{settings.LISTEN_ESPEAK} is not installed (apt-get install espeak-ng)"
        )
    return found


def _speak_wav(text: str) -> bytes:
    try:
        # A fixed program; the text goes in on stdin, never as an argument it could parse.
        result = subprocess.run(
            [_espeak(), "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "--stdout"],
            input=text.encode(),
            capture_output=True,
            timeout=SPEAK_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ListenUnavailable(f"espeak-ng failed: {exc}") from exc
    if result.returncode != 0 or not result.stdout:
        message = result.stderr.decode(errors="replace").strip()
        raise ListenUnavailable(f"espeak-ng failed ({result.returncode}): {message}")
    return result.stdout


def _encode_mp3(wav: bytes) -> bytes:
    output = io.BytesIO()
    with (
        av.open(io.BytesIO(wav), mode="r", format="wav") as source,
        av.open(output, mode="w", format="mp3") as target,
    ):
        stream = target.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = BITRATE
        resampler = av.AudioResampler(format="s16p", layout="mono", rate=SAMPLE_RATE)
        for frame in source.decode(audio=0):
            for resampled in resampler.resample(frame):
                target.mux(stream.encode(resampled))
        for resampled in resampler.resample(None):
            target.mux(stream.encode(resampled))
        target.mux(stream.encode(None))
    return output.getvalue()


def job_listen_audio(*, job: Job) -> tuple[Path, str]:
    """The file of the job read aloud and its version, made on first asking.

    Writes are atomic (a temporary file renamed into place), so two requests making the same
    file at once leave one whole file. Raises ListenUnavailable when the server cannot speak.
    """
    text = job_listen_text(job)
    version = listen_version(text=text)
    folder = Path(settings.LISTEN_AUDIO_DIR)
    path = folder / f"{job.pk}-{version}{SUFFIX}"
    if path.exists():
        return path, version
    audio = _encode_mp3(_speak_wav(text))
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".listen-", suffix=SUFFIX)
    with os.fdopen(handle, "wb") as file:
        file.write(audio)
    os.replace(temporary, path)
    # The job's earlier versions are no longer linked from any page.
    for older in folder.glob(f"{job.pk}-*{SUFFIX}"):
        if older != path:
            with contextlib.suppress(FileNotFoundError):
                older.unlink()
    return path, version
