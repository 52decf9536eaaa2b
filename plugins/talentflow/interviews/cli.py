"""``talentflow interview``: transcribe and score one input with the ``scoring_tasks`` library.

``transcribe`` and ``score`` run the same library steps as the interview_scoring DAG, for one input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from talentflow.core.cliutil import JsonOption, UserError, emit, run_guarded

app = typer.Typer(no_args_is_help=True)


def _transcribe(
    audio: Path,
    model: str | None,
    device: str | None,
    compute_type: str | None,
    beam_size: int,
    vad: bool,
    batched: bool,
    language: str,
) -> dict:
    from scoring_tasks.audio import AudioProblem
    from scoring_tasks.languages import (
        UnsupportedLanguage,
        base_language,
        convert_transcript,
        get_language,
        supported_languages,
        transcriber_options,
    )
    from scoring_tasks.model_paths import ModelLoadError
    from talentflow.core.models import transcriber as load_transcriber

    if not audio.is_file():
        raise UserError(f"{audio}: no such file")
    options = {k: v for k, v in {"model": model, "device": device, "compute_type": compute_type}.items() if v}
    detect = language == "auto"
    code = "zh" if detect else base_language(language)
    if code != "en":  # the language's own model (multilingual whisper), unless --model names one
        try:
            options = {**transcriber_options(code), **options}
        except (ModelLoadError, UnsupportedLanguage) as exc:
            raise UserError(str(exc)) from exc
    options["language"] = None if detect else code
    transcriber = load_transcriber(**options, beam_size=beam_size, vad=vad, batched=batched)
    try:
        transcript = transcriber.transcribe(audio)
    except AudioProblem as problem:
        raise UserError(f"{problem.reason}: {problem.message}") from problem
    if transcript.language in supported_languages():  # e.g. zh: traditional -> simplified characters
        transcript = convert_transcript(transcript, get_language(transcript.language).convert)
    return transcript.public()


@app.command()
def transcribe(
    audio: Annotated[
        Path, typer.Argument(help="Recording (any format FFmpeg reads: wav, mp3, m4a, webm...).")
    ],
    model: Annotated[
        str | None,
        typer.Option(
            help="faster-whisper model dir or name (default: TALENTFLOW_WHISPER_MODEL, bundled tiny.en)."
        ),
    ] = None,
    device: Annotated[
        str | None, typer.Option(help="cpu, cuda or auto (default: TALENTFLOW_WHISPER_DEVICE).")
    ] = None,
    compute_type: Annotated[
        str | None, typer.Option(help="int8, float16... (default: TALENTFLOW_WHISPER_COMPUTE_TYPE).")
    ] = None,
    beam_size: Annotated[int, typer.Option(min=1, help="Beam size (1 = greedy, fastest on CPU).")] = 1,
    vad: Annotated[
        bool, typer.Option("--vad/--no-vad", help="Skip silence with the bundled Silero VAD.")
    ] = True,
    batched: Annotated[bool, typer.Option(help="Use faster-whisper's batched pipeline.")] = False,
    language: Annotated[
        str,
        typer.Option(
            help="Language of the speech: en, zh-CN (multilingual model from `make setup-zh`), or auto to detect."
        ),
    ] = "en",
    json_out: bool = JsonOption,
) -> None:
    """Transcribe one recording: text, segments (start, end, text, words), language, duration."""
    result = run_guarded(_transcribe, audio, model, device, compute_type, beam_size, vad, batched, language)
    human = (
        result["text"]
        + f"\n[{result['language']}, {result['duration']:.1f} s, {len(result['segments'])} segments]"
    )
    emit(result, json_out, human)


# Why an answer was scored low although it may look long or on-message (scoring_tasks/answer_checks.py).
FLAG_TEXTS = {
    "repeated": "Said more than once: repeated sentences were counted once.",
    "filler": "Filler talk was not counted.",
    "question_echo": "The answer repeats the question; that part was not counted.",
    "keyword_list": "A list of words, not an account of what happened; it was not counted.",
    "off_topic": "Off-topic: the answer names nothing from work or study and keeps far from the question.",
}


def _read_answers(path: Path) -> list[dict]:
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid JSON ({exc})") from exc
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, list) or not answers:
        raise UserError(f'{path}: expected an object {{"answers": [{{"question": "...", "text": "..."}}]}}')
    for n, answer in enumerate(answers, 1):
        if not isinstance(answer, dict) or not isinstance(answer.get("text"), str):
            raise UserError(f'{path}: answer {n} needs a "text" string')
        if "question" in answer and not isinstance(answer["question"], str):
            raise UserError(f'{path}: answer {n}: "question" must be a string')
    return answers


def _score(
    paths: list[Path], rubric_id: str, model_version: str | None, language: str = "auto"
) -> list[dict]:
    from scoring_tasks.languages import UnsupportedLanguage, base_language, has_han
    from scoring_tasks.model_paths import ModelLoadError
    from scoring_tasks.model_version import load_model_version
    from scoring_tasks.rubric import get_rubric
    from scoring_tasks.score import Answer, Scorer
    from talentflow.core.config import get_settings
    from talentflow.interviews.scoring import language_models

    inputs = [_read_answers(p) for p in paths]  # every input checked before any model loads
    if language == "auto":  # Chinese when the answers are written in Chinese characters
        chinese = any(has_han(a.get("text", "")) for answers in inputs for a in answers)
        language = "zh" if chinese else "en"
    try:
        rubric = get_rubric(rubric_id, language=base_language(language))
    except UnsupportedLanguage as exc:
        raise UserError(str(exc)) from exc
    version = load_model_version(model_version)
    interviews = []
    for path, answers in zip(paths, inputs, strict=True):
        try:
            interviews.append([Answer.model_validate(a) for a in answers])
        except ValueError as exc:
            raise UserError(f"{path}: {str(exc).splitlines()[0]}") from exc
    try:
        embedder = language_models(get_settings()).embedder(language)
    except ModelLoadError as exc:
        raise UserError(str(exc)) from exc
    scorer = Scorer(rubric, version, embedder=embedder)
    out = []
    for path, interview in zip(paths, interviews, strict=True):
        try:
            score = scorer.score_interview(interview)
        except ValueError as exc:
            raise UserError(f"{path}: {exc}") from exc
        out.append({"file": str(path), **score.public()})
    return out


@app.command()
def score(
    transcripts: Annotated[
        list[Path], typer.Argument(help='JSON files {"answers": [{"question": "...", "text": "..."}]}.')
    ],
    rubric: Annotated[
        str,
        typer.Option(
            "--rubric", help="Rubric id (general, sales, engineering, operations, management) or a YAML path."
        ),
    ] = "general",
    model_version: Annotated[
        str | None,
        typer.Option("--model-version", help="Scoring-model version YAML (default: the shipped one)."),
    ] = None,
    language: Annotated[
        str,
        typer.Option(help="Language of the answers: en, zh-CN, or auto (Chinese when written in Chinese)."),
    ] = "auto",
    json_out: bool = JsonOption,
) -> None:
    """Score answers against a rubric: 1-5 per competency, overall 0-100, evidence, model version."""
    from talentflow.core import i18n
    from talentflow.core.config import get_settings

    results = run_guarded(_score, transcripts, rubric, model_version, language)
    locale = get_settings().locale
    for result in results:
        if json_out:
            typer.echo(json.dumps(result, ensure_ascii=False))
            continue
        lines = [
            i18n.gettext(
                "{file}: overall {overall} (model {model}, rubric {rubric})",
                locale,
                file=result["file"],
                overall=result["overall"],
                model=result["model_version"],
                rubric=result["rubric"],
            )
        ]
        for dim in result["dimensions"]:
            confidence = i18n.gettext("confidence {value}", locale, value=f"{dim['confidence']:.2f}")
            lines.append(f"  {dim['competency']:18} {dim['score']:.1f}  {confidence}")
            lines += [f"      - {e['sentence']}" for e in dim["evidence"][:2]]
            lines += [
                f"      ! {i18n.gettext(FLAG_TEXTS[code], locale)}"
                for code in dim["flags"]
                if code in FLAG_TEXTS
            ]
        emit(result, False, "\n".join(lines))
