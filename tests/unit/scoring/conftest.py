"""Fixtures for the pure scoring tests: no model weights, no network."""

from __future__ import annotations

import hashlib
import math
import re
import wave
from pathlib import Path

import numpy as np
import pytest


class BagOfWordsEmbedder:
    """Deterministic stand-in for MiniLM: hashed bag of words, unit-length rows.

    It lets the scorer's arithmetic be tested without loading weights; validity against real
    embeddings is tested in tests/integration/scoring.
    """

    version = "bag-of-words-test"
    dim = 256

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
            norm = float(np.linalg.norm(out[i]))
            out[i] = out[i] / norm if norm else out[i]
        return out


@pytest.fixture
def fake_embedder() -> BagOfWordsEmbedder:
    return BagOfWordsEmbedder()


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


@pytest.fixture
def tone(tmp_path):
    """A 2 s, 440 Hz tone: valid, loud audio (not speech)."""
    t = np.arange(int(2.0 * 16_000)) / 16_000
    return write_wav(tmp_path / "tone.wav", 0.3 * np.sin(2 * math.pi * 440 * t))


@pytest.fixture
def silent(tmp_path):
    return write_wav(tmp_path / "silent.wav", np.zeros(3 * 16_000))


@pytest.fixture
def blip(tmp_path):
    """0.3 s of sound: too short to be an answer."""
    t = np.arange(int(0.3 * 16_000)) / 16_000
    return write_wav(tmp_path / "blip.wav", 0.3 * np.sin(2 * math.pi * 300 * t))


@pytest.fixture
def not_audio(tmp_path):
    path = tmp_path / "answer.wav"
    path.write_text("this is a text file with an audio extension\n")
    return path
