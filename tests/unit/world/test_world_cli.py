"""`talentflow world generate` prints a summary (or JSON) and fails with one line on bad input."""

from __future__ import annotations

import json

from talentflow_demo.world.cli import app, parse_bias
from typer.testing import CliRunner

runner = CliRunner()


def test_generate_json(tmp_path):
    out = tmp_path / "w"
    args = [
        "generate",
        "--out",
        str(out),
        "--seed",
        "5",
        "--candidates",
        "30",
        "--employees",
        "20",
        "--years",
        "1",
        "--recordings",
        "0",
        "--bias-group",
        "ethnicity=asian",
        "--bias-size",
        "0.4",
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"]["candidates"] == 30 and summary["counts"]["employees"] == 20
    assert summary["bias"]["group"] == "asian"
    assert (out / "ground_truth" / "truth.json").is_file()


def test_generate_human_output(tmp_path):
    result = runner.invoke(
        app,
        [
            "generate",
            "--out",
            str(tmp_path / "w"),
            "--candidates",
            "10",
            "--employees",
            "5",
            "--years",
            "1",
            "--recordings",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "world written to" in result.stdout


def test_bad_input_exits_2_with_one_line(tmp_path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "w"), "--years", "0"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: --years")
    assert len(result.output.strip().splitlines()) == 1


def test_parse_bias():
    assert parse_bias("female", 0.3) == {"attribute": "sex", "group": "female", "size": 0.3}
    assert parse_bias("age_band=50_plus", 1.0) == {"attribute": "age_band", "group": "50_plus", "size": 1.0}
    assert parse_bias("", 1.0) is None
