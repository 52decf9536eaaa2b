"""Fixtures for scoring tests with real model weights (bundled tiny.en and all-MiniLM-L6-v2).

Nothing is downloaded: HF_HUB_OFFLINE is set before any model library is imported. Recordings are
synthesised with espeak-ng when it is installed; tests that need them skip and say so otherwise.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import shutil  # noqa: E402
import subprocess  # noqa: E402
import wave  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

SHARED_SPEECH = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "speech"

# What the synthesised candidates say (American English voice, 150 words per minute).
SPOKEN = {
    "strong": (
        "Last year our checkout service kept timing out during the holiday sales. I was responsible for "
        "fixing it within two weeks. I profiled the database queries, added an index and introduced a "
        "cache. As a result, the waiting time dropped by half and we handled twice the traffic."
    ),
    "team": (
        "When two colleagues disagreed about the project plan, I brought the data to a meeting. We agreed "
        "on the criteria together and delivered the project one week early."
    ),
    "mistake": (
        "I made a mistake in a customer report. I told my manager the same day, corrected the numbers and "
        "added a check to our process so it does not happen again."
    ),
    "weak": "We worked together as a team and it went well. I think I am a good team player.",
}
GERMAN = (
    "Letztes Jahr hatten wir große Probleme mit unserem Bestellsystem. Ich habe die Datenbank analysiert "
    "und einen Index hinzugefügt. Danach war das System viel schneller."
)


def _write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="session")
def spoken() -> dict[str, str]:
    """The reference text of each synthesised recording."""
    return dict(SPOKEN)


@pytest.fixture(scope="session")
def jfk() -> tuple[Path, str]:
    wav = SHARED_SPEECH / "jfk.wav"
    if not wav.is_file():
        pytest.skip("../shared/data/speech/jfk.wav not found (shared test data absent)")
    return wav, (SHARED_SPEECH / "jfk.reference.txt").read_text().strip()


@pytest.fixture(scope="session")
def recordings(tmp_path_factory) -> dict[str, Path]:
    """Synthesised answers (keys of SPOKEN), a German answer, silence and a non-audio file."""
    espeak = shutil.which("espeak-ng")
    if not espeak:
        pytest.skip(
            "espeak-ng not installed (apt-get install espeak-ng): needed to synthesise test recordings"
        )
    out = tmp_path_factory.mktemp("recordings")
    paths = {}
    for key, text in SPOKEN.items():
        paths[key] = out / f"{key}.wav"
        subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(paths[key]), text], check=True)
    paths["german"] = out / "german.wav"
    subprocess.run([espeak, "-v", "de", "-w", str(paths["german"]), GERMAN], check=True)
    paths["silence"] = _write_wav(out / "silence.wav", np.zeros(4 * 16_000))
    paths["not_audio"] = out / "not_audio.wav"
    paths["not_audio"].write_text("RIFF? no, just text\n")
    return paths


@pytest.fixture(scope="session")
def transcriber():
    from scoring_tasks.transcribe import Transcriber

    return Transcriber(cpu_threads=2)


@pytest.fixture(scope="session")
def general_scorer():
    from scoring_tasks.rubric import get_rubric
    from scoring_tasks.score import Scorer

    return Scorer(get_rubric("general"))
