"""Spoken interview answers: 16 kHz mono 16-bit WAV files.

With espeak-ng installed every recorded answer is synthesised from its text. Without it the world
reuses the small set of recordings committed under ``sample_data/recordings/`` (made once with
``talentflow world record-samples``), so the demo still has audio to transcribe.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from talentflow.core.paths import SAMPLE_DATA_DIR

SAMPLE_RATE = 16000
WORDS_PER_MINUTE = 175
SAMPLE_DIR = SAMPLE_DATA_DIR / "recordings"
VOICES = {
    "female": ("en-us+f2", "en-us+f3", "en+f4"),
    "male": ("en-us+m3", "en+m1", "en-us+m7"),
    "non_binary": ("en-us+f5", "en-us+m2"),
}
# Mandarin: espeak-ng's pinyin voice, fed the answer in tone-numbered pinyin (pypinyin, installed by
# requirements-zh.txt). Its ``cmn`` voice given the characters themselves sounds like English to
# whisper base (detected 'en', p 0.7-0.8, on this espeak-ng build), and the female variants of the
# pinyin voice make whisper unsure it hears Mandarin (p 0.3 against 0.67), so there is one voice.
MANDARIN_VOICE = "cmn-latn-pinyin"
MANDARIN_SPEED = 140
CHINESE_DIGITS = "零一二三四五六七八九"


def espeak_binary() -> str | None:
    return shutil.which("espeak-ng")


def voice_for(sex: str, rng: np.random.Generator, locale: str = "en") -> str:
    options = (MANDARIN_VOICE,) if locale == "zh-CN" else VOICES.get(sex, VOICES["non_binary"])
    return options[int(rng.integers(len(options)))]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit PCM, got {8 * w.getsampwidth()}-bit")
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        if w.getnchannels() > 1:
            frames = frames.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.int16)
        return frames, w.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """Resample with a polyphase filter (espeak-ng speaks at 22.05 kHz; speech models want 16 kHz)."""
    if rate == SAMPLE_RATE:
        return samples
    from math import gcd

    from scipy.signal import resample_poly  # scipy comes with scikit-learn, already pinned

    g = gcd(SAMPLE_RATE, rate)
    out = resample_poly(samples.astype(np.float64), SAMPLE_RATE // g, rate // g)
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def trim_silence(samples: np.ndarray, threshold: int = 200, pad_s: float = 0.2) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if loud.size == 0:
        return samples
    pad = int(pad_s * SAMPLE_RATE)
    return samples[max(loud[0] - pad, 0) : loud[-1] + pad]


def pinyin_available() -> bool:
    """Whether Mandarin can be spoken: pypinyin writes what espeak-ng's pinyin voice reads."""
    try:
        import pypinyin  # noqa: F401
    except ImportError:
        return False
    return True


def chinese_number(n: int) -> str:
    """0..99999 in Chinese numerals as they are read aloud (23 -> 二十三, 305 -> 三百零五)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    out, zero = "", False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero and out else "") + CHINESE_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out[1:] if out.startswith("一十") else out


def mandarin_pinyin(text: str) -> str:
    """``text`` as tone-numbered pinyin for espeak-ng's ``cmn-latn-pinyin`` voice, numbers and
    percentages read the Chinese way (23% -> 百分之二十三)."""
    import re

    import pypinyin

    spoken = re.sub(r"(\d+)%", lambda m: "百分之" + chinese_number(int(m.group(1))), text)
    spoken = re.sub(r"\d+", lambda m: chinese_number(int(m.group(0))), spoken)
    syllables = pypinyin.lazy_pinyin(
        spoken, style=pypinyin.Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True
    )
    return " ".join(syllables).replace("v", "u:")


def synthesize(
    text: str, path: Path, voice: str = "en-us", binary: str | None = None, speed: int = WORDS_PER_MINUTE
) -> float:
    """Speak ``text`` into ``path``; returns the duration in seconds."""
    binary = binary or espeak_binary()
    if binary is None:
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory(prefix="talentflow-tts-") as tmp:
        raw = Path(tmp) / "speech.wav"
        subprocess.run(
            [binary, "-v", voice, "-s", str(speed), "-w", str(raw)],
            input=text.encode("utf-8"),
            check=True,
            capture_output=True,
        )
        samples, rate = read_wav(raw)
    samples = trim_silence(to_16k(samples, rate))
    write_wav(path, samples)
    return len(samples) / SAMPLE_RATE


def load_sample_pool(directory: Path = SAMPLE_DIR) -> dict | None:
    """The committed recordings' manifest, or None when they are not there."""
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))


# The committed pool: one engineering interview with answers at every quality level (under 3 MB).
SAMPLE_PLAN = (("sample-engineering", "engineering", "female", (5, 3, 4, 2, 4, 1, 5, 3)),)


def build_sample_recordings(dest: Path = SAMPLE_DIR, seed: int = 20240601) -> dict:
    """(Re)create the committed recordings with espeak-ng. Run once by a maintainer, not at run time."""
    from talentflow_demo.world.interviews import answer_text, pick_question
    from talentflow_demo.world.params import family_competencies

    binary = espeak_binary()
    if binary is None:
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    rng = np.random.default_rng(seed)
    interviews = []
    for key, family, sex, levels in SAMPLE_PLAN:
        voice = voice_for(sex, rng)
        answers = []
        for competency, level in zip(family_competencies(family), levels, strict=True):
            question_id, question = pick_question(competency, rng)
            text = answer_text(competency, level, rng, concise=True)
            rel = f"{key}/{question_id}.wav"
            duration = synthesize(text, dest / rel, voice=voice, binary=binary)
            answers.append(
                {
                    "question_id": question_id,
                    "competency": competency,
                    "question": question,
                    "level": level,
                    "text": text,
                    "file": rel,
                    "duration_s": round(duration, 2),
                }
            )
        interviews.append({"key": key, "job_family": family, "voice": voice, "answers": answers})
    manifest = {
        "description": "Spoken interview answers made with espeak-ng for the demo; text is what is said.",
        "sample_rate": SAMPLE_RATE,
        "channels": 1,
        "sample_width_bits": 16,
        "words_per_minute": WORDS_PER_MINUTE,
        "interviews": interviews,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
