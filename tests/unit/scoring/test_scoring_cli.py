"""`talentflow interview …` on bad input: one line, non-zero exit, before any model loads."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from talentflow.interviews.cli import app

runner = CliRunner()


def _run(*args):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output.strip()


def test_score_missing_file(tmp_path):
    code, out = _run("score", str(tmp_path / "nope.json"), "--json")
    assert code == 2 and out == f"error: {tmp_path / 'nope.json'}: no such file"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", "not valid JSON"),
        ('{"text": "a transcript, not answers"}', 'expected an object {"answers"'),
        ('{"answers": [{"question": "q"}]}', 'answer 1 needs a "text" string'),
        ('{"answers": [{"question": 5, "text": "t"}]}', '"question" must be a string'),
    ],
)
def test_score_bad_json_inputs(tmp_path, content, message):
    path = tmp_path / "t.json"
    path.write_text(content)
    code, out = _run("score", str(path), "--json")
    assert code == 2 and message in out and len(out.splitlines()) == 1


def test_score_unknown_rubric(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"answers": [{"question": "q", "text": "t"}]}))
    code, out = _run("score", str(path), "--rubric", "legal")
    assert code == 2 and "unknown rubric 'legal'" in out


def test_transcribe_missing_file(tmp_path):
    code, out = _run("transcribe", str(tmp_path / "a.wav"), "--json")
    assert code == 2 and out.endswith("a.wav: no such file")
