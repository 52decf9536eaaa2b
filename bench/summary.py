"""Collect every bench's JSON result into one table: each figure beside its limit from the same run.

    python -m bench.summary            # writes bench/results/summary.md and prints it

Reads bench/results/*.json as the benches wrote them; a bench that has not run is listed as such.
Targets are issue 20's; "met" is a plain comparison of the recorded figure, not a test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


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
    if b is None:
        return []
    figures = ", ".join(f"{k} {_fmt(v)}" for k, v in b.items() if isinstance(v, int | float))
    return [_row("dbt build (bench_warehouse_build)", figures, "see warehouse_build.json", "", "", None)]


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
            f"transcription, batched ({t.get('recordings')} recordings, {_fmt(t.get('audio_seconds'))} s audio)",
            f"RTF {_fmt(_get(t, 'batched', 'real_time_factor'))}, "
            f"{_fmt(speedup)}× sequential (RTF {_fmt(_get(t, 'sequential', 'real_time_factor'))})",
            f"faster-whisper's own batched pipeline RTF {_fmt(own.get('real_time_factor'))}",
            _fmt(t.get("ratio_to_faster_whisper_pipeline")),
            "≥ 2× sequential",
            None if speedup is None else speedup >= 2,
        )
    ]


SECTIONS: list[Callable[[], list[Row]]] = [warehouse_rows, warehouse_build_rows, resume_rows, scoring_rows]


def main() -> str:
    header = ("stage", "figure", "limit (same run)", "ratio to limit", "target", "met")
    rows = [row for section in SECTIONS for row in section()]
    lines = [
        "# Benchmarks: each figure beside its limit",
        "",
        "Generated by `python -m bench.summary` (`make bench`) from bench/results/*.json. Ratios are "
        "figure ÷ limit measured in the same run (1.0 = at the limit); timings come from a shared "
        "2-core machine and vary with its load.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
        "Other results: " + ", ".join(sorted(p.name for p in RESULTS.glob("*.json"))),
        "",
    ]
    text = "\n".join(lines)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.md").write_text(text)
    print(text)
    return text


if __name__ == "__main__":
    main()
