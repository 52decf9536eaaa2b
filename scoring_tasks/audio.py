"""Decode and check interview recordings before any model sees them.

Every problem becomes an :class:`AudioProblem` with a reason code from :class:`FailureReason`, so a
task can be written to ``failed/`` with a reason an operator can act on (re-record, re-upload, fix
the manifest) instead of an exception that stops the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000


class FailureReason(StrEnum):
    """Why a recording (and so its scoring task) could not be scored automatically."""

    missing_recording = "missing_recording"
    unreadable_audio = "unreadable_audio"
    silence = "silence"
    too_short = "too_short"
    wrong_language = "wrong_language"
    invalid_manifest = "invalid_manifest"


class AudioProblem(Exception):
    """A recording that cannot be scored; ``reason`` is a :class:`FailureReason`."""

    def __init__(self, reason: FailureReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class AudioCheck:
    """Limits for a usable answer recording (all overridable by the caller)."""

    min_duration_s: float = 1.0
    # Loudest 50 ms frame below this level: nothing but silence or hum in the whole file.
    silence_dbfs: float = -50.0


@dataclass
class DecodedAudio:
    path: str
    samples: np.ndarray  # float32 mono at SAMPLE_RATE
    duration: float
    peak_dbfs: float

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE


def _frame_dbfs(samples: np.ndarray, frame: int = SAMPLE_RATE // 20) -> float:
    """Level of the loudest 50 ms frame, in dB relative to full scale."""
    if samples.size == 0:
        return float("-inf")
    usable = samples[: samples.size - samples.size % frame] if samples.size >= frame else samples
    frames = usable.reshape(-1, frame) if usable.size >= frame else usable.reshape(1, -1)
    rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    peak = float(rms.max())
    return 20.0 * np.log10(peak) if peak > 0 else float("-inf")


def decode(path: str | Path) -> DecodedAudio:
    """Decode any audio container PyAV/FFmpeg reads to 16 kHz mono float32.

    Raises :class:`AudioProblem` (missing_recording / unreadable_audio) instead of PyAV's errors.
    """
    from faster_whisper import decode_audio

    p = Path(path)
    if not p.is_file():
        raise AudioProblem(FailureReason.missing_recording, f"{p}: recording not found")
    try:
        samples = decode_audio(str(p), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many types (InvalidDataError, IndexError for no stream...)
        raise AudioProblem(
            FailureReason.unreadable_audio,
            f"{p}: not a readable audio file ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})",
        ) from exc
    if samples.size == 0:
        raise AudioProblem(FailureReason.unreadable_audio, f"{p}: no audio samples could be decoded")
    return DecodedAudio(
        path=str(p),
        samples=samples,
        duration=samples.size / SAMPLE_RATE,
        peak_dbfs=_frame_dbfs(samples),
    )


def check(audio: DecodedAudio, limits: AudioCheck | None = None) -> None:
    """Raise :class:`AudioProblem` if ``audio`` is too short or silent to be an answer."""
    limits = limits or AudioCheck()
    if audio.duration < limits.min_duration_s:
        raise AudioProblem(
            FailureReason.too_short,
            f"{audio.path}: recording lasts {audio.duration:.2f} s, "
            f"less than the {limits.min_duration_s:.1f} s an answer needs",
        )
    if audio.peak_dbfs < limits.silence_dbfs:
        raise AudioProblem(
            FailureReason.silence,
            f"{audio.path}: recording is silent (loudest frame {audio.peak_dbfs:.0f} dBFS, "
            f"threshold {limits.silence_dbfs:.0f} dBFS)",
        )


def load_checked(path: str | Path, limits: AudioCheck | None = None) -> DecodedAudio:
    """Decode ``path`` and check it is a usable answer recording."""
    audio = decode(path)
    check(audio, limits)
    return audio


def probe(path: str | Path, limits: AudioCheck | None = None) -> AudioProblem | None:
    """The problem with ``path`` as an answer recording, or None when it is usable (for validation)."""
    try:
        load_checked(path, limits)
    except AudioProblem as problem:
        return problem
    return None
