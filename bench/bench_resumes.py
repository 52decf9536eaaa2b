"""Resume-ingestion benchmark: resumes per second for parse + extract + embed, on 1,000 resumes.

    python -m bench.bench_resumes [--n 1000] [--source world|fixtures] [--batch-size 64]

The resumes come from the synthetic world (PDF, DOCX and TXT in its layouts; ``--source world``, the
default when ``talentflow_demo.world`` is installed) or from the hand-written fixtures repeated with
changed names and e-mails (``--source fixtures``). All files are read into memory first, as the DAG
does with objects from storage, so disk speed is not measured.

Stages timed in one run: parse (format extraction, normalisation, language, fields), identity
resolution, embedding the resume profiles batched (``batch_size`` texts per forward pass, model
loaded once) and one at a time (one forward pass per resume, the same loaded model), and matching
against the open requisitions (requisitions embedded, the batched resume vectors reused). The loader's COPY into the warehouse is the lead's and is not here.
Also reported: extraction precision/recall over the world's ground truth when the source is the
world. It measures and reports; it never fails on timings. Results: bench/results/resumes.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "resumes.json"
FIXTURES = ROOT / "tests" / "fixtures" / "resumes"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def world_items(n: int, workdir: Path) -> tuple[list[tuple[str, bytes]], dict, list[dict], dict]:
    """n resumes from a generated world, with their ground truth, requisitions and application dates."""
    import csv

    from talentflow_demo.world import generate_world

    generate_world(workdir, seed=7, candidates=n, employees=20, years=1, recordings=0)
    truths = {}
    for line in (workdir / "ground_truth" / "resumes.jsonl").open(encoding="utf-8"):
        t = json.loads(line)
        truths[t["file"]] = t
    applied = {
        row["resume_file"]: date.fromisoformat(row["applied_at"][:10])
        for row in csv.DictReader((workdir / "candidates" / "applications.csv").open(encoding="utf-8"))
    }
    items = [(p.name, p.read_bytes()) for p in sorted((workdir / "resumes").iterdir())][:n]
    reqs = json.loads((workdir / "company" / "requisitions.json").read_text(encoding="utf-8"))
    return items, truths, reqs, applied


def fixture_items(n: int) -> list[tuple[str, bytes]]:
    """The hand-written resumes, repeated with a different person's name and e-mail each time."""
    files = [
        p
        for p in sorted(FIXTURES.iterdir())
        if p.is_file() and p.suffix in {".txt", ".pdf", ".docx", ".json"}
    ]
    rng = random.Random(7)
    items = []
    for i in range(n):
        path = files[i % len(files)]
        data = path.read_bytes()
        if path.suffix in {".txt", ".json"}:
            text = data.decode("utf-8", errors="replace")
            text = re.sub(r"[\w.+-]+@example\.\w+", f"person{i}@example.com", text)
            text += f"\nReference code {rng.randrange(10**6)}\n"
            data = text.encode("utf-8")
        items.append((f"{i:04d}-{path.name}", data))
    return items


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--source", choices=["world", "fixtures"], default=None)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)

    from talentflow.resumes import match_requisitions, parse_batch, resolve_identities
    from talentflow.resumes.evaluation import aggregate, report, score_resume
    from talentflow.resumes.matching import resume_profile_text
    from talentflow.resumes.taxonomy import load_taxonomy

    source = args.source
    if source is None:
        try:
            from talentflow_demo.world import generate_world  # noqa: F401

            source = "world"
        except ImportError:
            source = "fixtures"
    tmp = tempfile.TemporaryDirectory(prefix="bench-resumes-")
    truths: dict = {}
    applied: dict = {}
    reqs: list[dict] = []
    started = time.perf_counter()
    if source == "world":
        items, truths, reqs, applied = world_items(args.n, Path(tmp.name) / "world")
    else:
        items = fixture_items(args.n)
        reqs = [
            {
                "requisition_id": "R1",
                "title": "Software Engineer",
                "description": "Python services.",
                "required_skills": ["Python", "SQL"],
                "min_experience_years": 3,
                "degree": "bachelor",
            }
        ]
    prepare_s = time.perf_counter() - started
    n = len(items)
    formats: dict[str, int] = {}
    for name, _ in items:
        formats[Path(name).suffix.lstrip(".")] = formats.get(Path(name).suffix.lstrip("."), 0) + 1

    taxonomy = load_taxonomy()
    t0 = time.perf_counter()
    batch = parse_batch(items, taxonomy=taxonomy)
    parse_s = time.perf_counter() - t0
    parsed = batch.parsed

    t0 = time.perf_counter()
    links = resolve_identities(parsed)
    identity_s = time.perf_counter() - t0

    import torch

    from talentflow.core.models import get_embedder

    t0 = time.perf_counter()
    embedder = get_embedder()
    load_s = time.perf_counter() - t0
    profiles = [resume_profile_text(p) for p in parsed]
    embedder.encode(profiles[:4])  # warm-up, not timed
    t0 = time.perf_counter()
    batched = embedder.encode(profiles, batch_size=args.batch_size)
    embed_batched_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text in profiles:
        embedder.encode([text])
    embed_single_s = time.perf_counter() - t0

    open_reqs = [r for r in reqs if str(r.get("status") or "open").lower() == "open"]
    t0 = time.perf_counter()
    matches = match_requisitions(
        parsed, open_reqs, embedder, taxonomy=taxonomy, batch_size=args.batch_size, resume_vectors=batched
    )
    match_s = time.perf_counter() - t0

    accuracy = None
    if truths:
        per = []
        for p in parsed:
            t = truths.get(p.file)
            if t:
                # "present" is the application date in the world's truth
                from talentflow.resumes.dates import total_years

                pred = p.contract()
                pred["experience_years"] = total_years(
                    [(e.start, e.end) for e in p.experience if e.start], applied.get(p.file)
                )
                per.append(score_resume(pred, t, taxonomy))
        accuracy = {f: {k: v[k] for k in ("precision", "recall")} for f, v in report(aggregate(per)).items()}

    def rate(seconds: float) -> float:
        return round(n / seconds, 1) if seconds > 0 else float("inf")

    result = {
        "benchmark": "resumes",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
        },
        "source": source,
        "resumes": n,
        "formats": formats,
        "unreadable": len(batch.errors),
        "prepare_seconds": round(prepare_s, 2),
        "model": embedder.version,
        "model_load_seconds": round(load_s, 2),
        "batch_size": args.batch_size,
        "seconds": {
            "parse_extract": round(parse_s, 2),
            "identity": round(identity_s, 2),
            "embed_batched": round(embed_batched_s, 2),
            "embed_one_at_a_time": round(embed_single_s, 2),
            "match": round(match_s, 2),
        },
        "resumes_per_second": {
            "parse_extract": rate(parse_s),
            "embed_batched": rate(embed_batched_s),
            "embed_one_at_a_time": rate(embed_single_s),
            "end_to_end_batched": rate(parse_s + embed_batched_s),
            "end_to_end_one_at_a_time": rate(parse_s + embed_single_s),
        },
        "batched_speedup": round(embed_single_s / embed_batched_s, 2) if embed_batched_s else None,
        "embedding_shape": list(batched.shape),
        "candidates": len({link.candidate_key for link in links}),
        "matches": len(matches),
        "open_requisitions": len(open_reqs),
        "extraction_accuracy": accuracy,
    }
    tmp.cleanup()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    rps = result["resumes_per_second"]
    print(f"{n} resumes ({source}: {formats}), {len(batch.errors)} unreadable, model {embedder.version}")
    for stage, secs in result["seconds"].items():
        print(f"  {stage:22} {secs:8.2f} s")
    print(f"  parse+extract          {rps['parse_extract']:8.1f} resumes/s")
    print(
        f"  end to end, batched    {rps['end_to_end_batched']:8.1f} resumes/s  (embed {rps['embed_batched']}/s)"
    )
    print(
        f"  end to end, one by one {rps['end_to_end_one_at_a_time']:8.1f} resumes/s  (embed {rps['embed_one_at_a_time']}/s)"
    )
    print(
        f"  batched embedding is {result['batched_speedup']}x one-at-a-time; {result['candidates']} candidates"
    )
    print(f"results: {args.out}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
