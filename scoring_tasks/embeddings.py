"""Sentence embeddings with the bundled all-MiniLM-L6-v2 through ``transformers``.

The model is loaded once per process and path (``load_embedder``) and texts are encoded in batches:
resume ingestion and interview scoring both call ``Embedder.encode`` with whole batches. The platform
picks the model path from its settings (``talentflow.core.models.get_embedder``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from scoring_tasks.model_paths import ModelLoadError, default_embedding_path

_LOCK = threading.Lock()


class Embedder:
    """Mean-pooled, L2-normalised sentence embeddings (the sentence-transformers recipe)."""

    def __init__(self, model_path: str, max_length: int = 256) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
            self.model = AutoModel.from_pretrained(model_path, local_files_only=True)
        except OSError as exc:
            raise ModelLoadError(
                f"cannot load embedding model from '{model_path}' (TALENTFLOW_EMBEDDING_MODEL): {exc}"
            ) from exc
        self.model.eval()
        self.model_path = model_path
        self.max_length = max_length
        self._torch = torch

    @property
    def version(self) -> str:
        """A stable name for audit records: the model folder (or its package, for bundled ``model/``)."""
        path = Path(self.model_path)
        return path.parent.name if path.name == "model" else path.name

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embeddings of ``texts`` as an (n, dim) float32 array with unit-length rows."""
        torch = self._torch
        out: list[np.ndarray] = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                chunk = [t if t.strip() else " " for t in texts[start : start + batch_size]]
                enc = self.tokenizer(
                    chunk, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
                )
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out.append(pooled.cpu().numpy().astype(np.float32))
        if not out:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        return np.vstack(out)


@lru_cache(maxsize=4)
def _load(model_path: str) -> Embedder:
    return Embedder(model_path)


def load_embedder(model_path: str | None = None) -> Embedder:
    """The process-wide embedder for ``model_path`` (default: the bundled all-MiniLM-L6-v2)."""
    path = model_path or default_embedding_path()
    if Path(path).exists():  # one load per model folder, however a caller spells its path
        path = str(Path(path).resolve())
    with _LOCK:
        return _load(path)
