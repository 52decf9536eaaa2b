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
    """The process-wide sentence embedder (``TALENTFLOW_EMBEDDING_MODEL``, default all-MiniLM-L6-v2)."""
    try:
        return load_embedder(model_path or (settings or get_settings()).embedding_model_path)
    except ModelLoadError as exc:
        raise ConfigError(str(exc)) from exc


def transcriber(settings: Settings | None = None, **options):
    """A faster-whisper transcriber on the configured model, device and compute type."""
    from scoring_tasks.transcribe import Transcriber

    settings = settings or get_settings()
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
