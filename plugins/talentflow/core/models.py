"""The models the platform runs, chosen by its settings: one loader for every caller.

The model code itself lives in ``scoring_tasks`` (which knows nothing of the platform); this module
turns ``TALENTFLOW_EMBEDDING_MODEL`` / ``TALENTFLOW_WHISPER_*`` into loaded models and turns a load
failure into a :class:`ConfigError` that names the setting.
"""

from __future__ import annotations

import numpy as np

from scoring_tasks.embeddings import Embedder, load_embedder
from scoring_tasks.model_paths import ModelLoadError
from talentflow.core.config import ConfigError, Settings, get_settings


def get_embedder(model_path: str | None = None, settings: Settings | None = None) -> Embedder:
    """The process-wide sentence embedder (``TALENTFLOW_EMBEDDING_MODEL``, default all-MiniLM-L6-v2).

    One load per process and model folder: interview scoring, resume matching and the scoring
    CLI/backfill all get this same instance (``scoring_tasks.embeddings.load_embedder`` caches it).
    """
    try:
        return load_embedder(model_path or (settings or get_settings()).embedding_model_path)
    except ModelLoadError as exc:
        raise ConfigError(str(exc)) from exc


# For CPU workers: answers are short and whisper pads every window to 30 s, so the encoder pass per
# window is most of the cost (about 70% in a profile on 2 cores). Packing consecutive answers into
# shared windows and decoding the windows in batches cuts those passes; bench/bench_scoring.py times
# it against file-by-file decoding and faster-whisper's own pipeline, and
# tests/integration/scoring/test_transcription_packed.py holds its accuracy (jfk.wav WER, a
# wrong-language answer among English ones still flagged). Greedy decoding (beam 1), as before.
BATCHED_DEFAULTS = {"batched": True, "pack": True, "batch_size": 8, "beam_size": 1}


def transcriber(settings: Settings | None = None, **options):
    """A faster-whisper transcriber on the configured model, device and compute type, in the tuned
    batched mode (``BATCHED_DEFAULTS``) unless ``options`` say otherwise."""
    from scoring_tasks.transcribe import Transcriber

    settings = settings or get_settings()
    for name, value in BATCHED_DEFAULTS.items():
        options.setdefault(name, value)
    options.setdefault("model", settings.whisper_model_path)
    options.setdefault("device", settings.whisper_device)
    options.setdefault("compute_type", settings.whisper_compute_type)
    try:
        return Transcriber(**options)
    except ModelLoadError as exc:
        raise ConfigError(str(exc)) from exc


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity matrix of two sets of unit-length embeddings."""
    return a @ b.T
