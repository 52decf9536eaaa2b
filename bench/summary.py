"""Collect every bench's JSON result into one table: each figure beside its limit from the same run.

    python -m bench.summary            # writes bench/results/summary.md, the README's table, prints it

Reads bench/results/*.json as the benches wrote them; a bench that has not run is listed as such.
Targets are issue 20's; "met" is a plain comparison of the recorded figure, not a test. The same table
replaces what stands between README.md's ``<!-- perf:start -->`` and ``<!-- perf:end -->`` markers
(tests/unit/test_perf_table.py checks that the two agree).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
README = Path(__file__).resolve().parents[1] / "README.md"
PERF_START, PERF_END = "<!-- perf:start -->", "<!-- perf:end -->"


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _get(data: dict | None, *keys):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.3g}" if abs(value) < 10 else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


Row = tuple[str, str, str, str, str, str]


def _row(stage, figure, limit, ratio, target, met: bool | None) -> Row:
    return (stage, figure, limit, ratio, target, "–" if met is None else ("yes" if met else "no"))


def warehouse_rows() -> list[Row]:
    w = _load("warehouse")
    if w is None:
        return [_row("warehouse load", "not run (`python -m bench.bench_warehouse`)", "", "", "", None)]
    c = w.get("copy_vs_limit") or {}
    plain = c.get("plain_copy_rows_per_s")
    rows = []
    for label, key in (
        ("first load", "first_load"),
        ("merge: 90% new keys, 10% changed", "merge"),
        ("unchanged reload", "reload"),
    ):
        rps = c.get(f"upsert_{key}_rows_per_s") or (
            round(c["rows"] / c["upsert_reload_unchanged_s"]) if key == "reload" and c.get("rows") else None
        )
        ratio = c.get(f"upsert_{key}_ratio_to_limit")
        target = "≥ 0.5 of plain COPY" + (", ≥ 3× row-by-row" if key == "first_load" else "")
        met = None if ratio is None else ratio >= 0.5
        if key == "first_load" and c.get("speedup_vs_legacy_first_load") is not None:
            met = met and c["speedup_vs_legacy_first_load"] >= 3
        rows.append(
            _row(
                f"`warehouse.upsert` {label} ({_fmt(c.get('rows'))} attendance rows)",
                _fmt(rps, " rows/s"),
                f"plain `to_csv`+COPY {_fmt(plain, ' rows/s')}",
                f"{_fmt(ratio)} (row-by-row upsert: {_fmt(c.get('speedup_vs_legacy_' + key))}× slower)"
                if key != "reload"
                else _fmt(ratio),
                target,
                met,
            )
        )
    h = w.get("hris_load")
    if h:
        extrapolated = h.get("extrapolated_100k_employees_s")
        rows.append(
            _row(
                f"HRIS export, {_fmt(w.get('employees'))} employees × {w.get('years')} y ({_fmt(h['rows'])} rows)",
                f"{_fmt(h['rows_per_s'], ' rows/s')} ({_fmt(h['seconds'], ' s')}; reload "
                f"{_fmt(h.get('reload_unchanged_s'), ' s')}; peak RSS {_fmt(h.get('peak_rss_mb'), ' MB')})",
                f"plain COPY {_fmt(plain, ' rows/s')}",
                _fmt(h.get("ratio_to_limit")),
                f"100k employees < 180 s (extrapolated: {_fmt(extrapolated, ' s')})",
                None if extrapolated is None else extrapolated < 180,
            )
        )
    big = _load("hris_100k")  # the 100,000-employee export, run under cProfile (see its "what")
    if big:
        share = big.get("share_of_load_export") or {}
        top = max(share, key=share.get) if share else None
        rows.append(
            _row(
                f"HRIS export, {_fmt(big['employees'])} employees × {big['years']} y: "
                f"{_fmt(big['rows_loaded'])} of {_fmt(big['export_rows'])} rows (interrupted)",
                f"{_fmt(big['rows_per_s'], ' rows/s')} ({_fmt(big['load_export_s'], ' s')}); "
                + (f"{share[top]:.0%} of it in {top.split(' (')[0]}" if top else ""),
                f"plain COPY {_fmt(big['same_run_plain_copy_rows_per_s'], ' rows/s')}",
                _fmt(big.get("ratio_to_plain_copy")),
                f"< 180 s (at this run's load: {_fmt(big.get('extrapolated_full_export_s_at_this_load'), ' s')})",
                None,
            )
        )
    d = w.get("dbt_build")
    if d:
        rows.append(
            _row(
                "`dbt build`, nothing new",
                _fmt(d.get("incremental_s"), " s"),
                f"full refresh {_fmt(d.get('full_refresh_s'), ' s')}",
                "",
                "< 30 s",
                None if d.get("incremental_s") is None else d["incremental_s"] < 30,
            )
        )
    return rows


def warehouse_build_rows() -> list[Row]:
    b = _load("warehouse_build")
    plain = _get(b, "plain_dbt_build", "seconds")
    if plain is None:
        return []
    cosmos = [c for c in b.get("cosmos_dag_test", []) if c.get("seconds")]
    best = min(cosmos, key=lambda c: c["seconds"]) if cosmos else None
    world = b.get("world") or {}
    return [
        _row(
            f"`warehouse_build` through Cosmos, fastest mode ({_fmt(world.get('employees'))} employees)",
            "–" if best is None else f"{best['mode']}: {_fmt(best['seconds'], ' s')}",
            f"plain `dbt build` {_fmt(plain, ' s')}",
            "–" if best is None else _fmt(round(plain / best["seconds"], 2)),
            "",
            None,
        )
    ]


def dbt_incremental_rows() -> list[Row]:
    d = _load("dbt_incremental")
    runs = _get(d, "runs")
    if not runs:
        return [
            _row(
                "`dbt build`, nothing new",
                "not run (`python -m bench.bench_dbt_incremental`)",
                "",
                "",
                "",
                None,
            )
        ]
    floor = _get(runs, "build_nothing_selected", "seconds")
    full = _get(runs, "full_refresh", "seconds")
    size = f"{_fmt(d.get('employees'))} employees, {_fmt(d.get('hris_rows'))} HRIS rows"
    limit = f"`dbt build` selecting no node {_fmt(floor, ' s')}; full refresh {_fmt(full, ' s')}"
    rows = []
    for key, label in (
        ("nothing_new", "`dbt build`, nothing new"),
        ("nothing_new_selected", "`dbt build -s source_status:fresher+ state:modified+`, nothing new"),
        ("one_new_day", "`dbt build` after one new attendance day per employee"),
    ):
        run = runs.get(key)
        if not run:
            continue
        seconds = run.get("seconds_with_freshness", run["seconds"])
        rows.append(
            _row(
                f"{label} ({size})",
                _fmt(seconds, " s")
                + (" (with `dbt source freshness`)" if "seconds_with_freshness" in run else ""),
                limit,
                f"{_fmt(round(seconds / floor, 2))}× the floor, {_fmt(round(seconds / full, 3))} of full",
                "< 30 s at 100,000 employees" if key != "one_new_day" else "",
                None,
            )
        )
    return rows


def resume_rows() -> list[Row]:
    r = _load("resume_pipeline")
    if r is None:
        return [_row("resume path", "not run (`python -m bench.bench_resume_pipeline`)", "", "", "", None)]
    rps = r.get("resumes_per_s")
    return [
        _row(
            f"resume path end to end ({_fmt(r.get('resumes'))} resumes, batches of {r.get('batch')})",
            _fmt(rps, " resumes/s"),
            f"parse only {_fmt(r.get('parse_only_resumes_per_s'), ' resumes/s')}",
            _fmt(r.get("ratio_to_limit")),
            "≥ 40 resumes/s",
            None if rps is None else rps >= 40,
        )
    ]


def scoring_rows() -> list[Row]:
    s = _load("scoring")
    t = _get(s, "transcription")
    if not t:
        return [_row("transcription", "not run (`python -m bench.bench_scoring`)", "", "", "", None)]
    own = t.get("faster_whisper_pipeline") or {}
    speedup = t.get("batched_speedup")
    return [
        _row(
            f"transcription, batched and packed ({t.get('recordings')} recordings, "
            f"{_fmt(t.get('audio_seconds'))} s audio; WER {_fmt(_get(t, 'batched_packed', 'wer'))}, "
            f"sequential {_fmt(_get(t, 'sequential', 'wer'))})",
            f"RTF {_fmt(_get(t, 'batched_packed' if 'batched_packed' in t else 'batched', 'real_time_factor'))}, "
            f"{_fmt(speedup)}× sequential (RTF {_fmt(_get(t, 'sequential', 'real_time_factor'))})",
            f"faster-whisper's own batched pipeline RTF {_fmt(own.get('real_time_factor'))}",
            _fmt(t.get("ratio_to_faster_whisper_pipeline")),
            "≥ 2× sequential",
            None if speedup is None else speedup >= 2,
        )
    ]


SECTIONS: list[Callable[[], list[Row]]] = [
    warehouse_rows,
    dbt_incremental_rows,
    warehouse_build_rows,
    resume_rows,
    scoring_rows,
]


HEADER = ("stage", "figure", "limit (same run)", "ratio to limit", "target", "met")


def table_lines() -> list[str]:
    rows = [row for section in SECTIONS for row in section()]
    return [
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def table_in(text: str) -> list[str]:
    """The table rows of a summary.md or of the README's marked block."""
    if PERF_START in text:
        text = text.split(PERF_START, 1)[1].split(PERF_END, 1)[0]
    return [line for line in text.splitlines() if line.startswith("|")]


def write_readme(lines: list[str], readme: Path = README) -> bool:
    """Replace the README's marked performance table; False when the markers are absent."""
    text = readme.read_text()
    if PERF_START not in text or PERF_END not in text:
        return False
    head, rest = text.split(PERF_START, 1)
    _, tail = rest.split(PERF_END, 1)
    readme.write_text(head + PERF_START + "\n" + "\n".join(lines) + "\n" + PERF_END + tail)
    return True


def main() -> str:
    table = table_lines()
    lines = [
        "# Benchmarks: each figure beside its limit",
        "",
        "Generated by `python -m bench.summary` (`make bench`) from bench/results/*.json. Ratios are "
        "figure ÷ limit measured in the same run (1.0 = at the limit); timings come from a shared "
        "2-core machine and vary with its load.",
        "",
        *table,
        "",
        "Other results: " + ", ".join(sorted(p.name for p in RESULTS.glob("*.json"))),
        "",
    ]
    text = "\n".join(lines)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.md").write_text(text)
    print(text)
    if not write_readme(table):
        print(f"README.md has no {PERF_START} … {PERF_END} block: its table was not rewritten")
    return text


if __name__ == "__main__":
    main()
