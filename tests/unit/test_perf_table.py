"""The README's performance table is the one bench/summary.py generated from bench/results."""

from __future__ import annotations

from pathlib import Path

from bench import summary

ROOT = Path(__file__).resolve().parents[2]


def test_readme_table_matches_summary_md():
    readme = (ROOT / "README.md").read_text()
    assert summary.PERF_START in readme and summary.PERF_END in readme, "README lost its perf markers"
    generated = summary.table_in((ROOT / "bench" / "results" / "summary.md").read_text())
    assert len(generated) > 2, "bench/results/summary.md holds no table: run `python -m bench.summary`"
    assert summary.table_in(readme) == generated, "README table is stale: run `python -m bench.summary`"


def test_write_readme_replaces_only_the_marked_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{summary.PERF_START}\n| old |\n{summary.PERF_END}\nafter\n")
    assert summary.write_readme(["| a | b |", "|---|---|"], readme)
    assert readme.read_text() == (
        f"# Title\n\nbefore\n{summary.PERF_START}\n| a | b |\n|---|---|\n{summary.PERF_END}\nafter\n"
    )
    unmarked = tmp_path / "OTHER.md"
    unmarked.write_text("no markers\n")
    assert not summary.write_readme(["| a |"], unmarked)
    assert unmarked.read_text() == "no markers\n"
