"""`talentflow interview transcribe|score --json` with real weights: the output contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talentflow.interviews.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_transcribe_json_contract(jfk):
    wav, _ = jfk
    result = runner.invoke(app, ["transcribe", str(wav), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"text", "segments", "language", "duration"} <= set(out)
    assert {"start", "end", "text"} <= set(out["segments"][0])
    assert "fellow Americans" in out["text"]


def test_transcribe_not_audio_fails_with_reason(recordings):
    result = runner.invoke(app, ["transcribe", str(recordings["not_audio"]), "--json"])
    assert result.exit_code == 2 and "unreadable_audio" in result.output


def test_score_several_files_one_json_line_each(tmp_path):
    strong = {
        "answers": [
            {
                "question": "Tell me about a difficult problem you solved. How did you approach it?",
                "text": "Our payroll run failed for 120 employees. I compared the failed records with the good "
                "ones, found a new bank code format and wrote a correction script. Everyone was paid on time.",
            },
            {
                "question": "What attracts you to this role?",
                "text": "I want to learn and grow my career here.",
            },
        ]
    }
    weak = {"answers": [{"question": "Describe a disagreement with a colleague.", "text": "We get along."}]}
    files = []
    for name, body in (("a.json", strong), ("b.json", weak)):
        files.append(tmp_path / name)
        files[-1].write_text(json.dumps(body))
    result = runner.invoke(app, ["score", *map(str, files), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [Path(line["file"]).name for line in lines] == ["a.json", "b.json"]
    a, b = lines
    assert set(a["scores"]) == {"problem_solving"} and a["motivation"]["category"] == "growth"
    assert set(b["scores"]) == {"teamwork"}
    for line in lines:
        assert 0 <= line["overall"] <= 100 and line["model_version"] == "default-2026.1"
        assert all(line["evidence"][k] for k in line["scores"])
    assert a["overall"] > b["overall"]


def test_score_says_why_a_gamed_answer_scored_low(tmp_path):
    question = (
        "Tell me about a time you had to explain something complicated to someone without your background."
    )
    path = tmp_path / "gamed.json"
    path.write_text(json.dumps({"answers": [{"question": question, "text": f"{question} {question}"}]}))
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 0, result.output
    assert "overall 0.0" in result.stdout
    assert "! The answer repeats the question; that part was not counted." in result.stdout
    assert "! Said more than once: repeated sentences were counted once." in result.stdout
