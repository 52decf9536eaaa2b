"""Throughput and latency of the HR-system API on this machine (2 cores).

    python -m bench.bench_api --candidates 200 --polls 2000 --concurrency 8 --workers 2

Starts ``talentflow serve`` as a subprocess (uvicorn, ``--workers`` processes) on a free port against
the configured runtime (``talentflow up`` first), creates an API client, then measures over real HTTP:
1. candidate push: ``--candidates`` multipart pushes (a text resume each, a fresh Idempotency-Key);
2. status polling: ``--polls`` GETs of interview status spread over those candidates' invitations,
   plain and with ``If-None-Match`` (304s).
The load generator (a thread pool of ``--concurrency`` httpx clients) shares the same cores, so the
figures are a floor. Writes bench/results/api.json; never fails on timings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

RESULTS = Path(__file__).resolve().parent / "results"


def _summary(latencies: list[float], wall: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {
        "requests": len(ordered),
        "seconds": round(wall, 2),
        "requests_per_s": round(len(ordered) / wall, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


def _run(jobs, concurrency: int, make_request) -> tuple[list[float], float, list[int]]:
    latencies, codes = [], []

    def one(job):
        started = time.perf_counter()
        code = make_request(job)
        return time.perf_counter() - started, code

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for latency, code in pool.map(one, jobs):
            latencies.append(latency)
            codes.append(code)
    return latencies, time.perf_counter() - started, codes


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"talentflow serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("talentflow serve did not answer within 180 s")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--polls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from talentflow.core.runtime import free_port
    from talentflow.service import auth
    from tests.integration.service.hr_system import resumes

    creds = auth.create_client("bench", f"bench-{uuid.uuid4().hex[:6]}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TALENTFLOW_API_RATE_PER_S": "1000000",
        "TALENTFLOW_API_RATE_BURST": "1000000",
        "TALENTFLOW_API_DISPATCH_INTERVAL_S": "0",
    }
    talentflow = Path(sys.executable).with_name("talentflow")
    proc = subprocess.Popen(
        [str(talentflow), "serve", "--port", str(port), "--workers", str(args.workers), "--no-dispatch"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_up(url, proc)
        token = httpx.post(
            f"{url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(creds.client_id, creds.client_secret),
        ).json()["access_token"]
        auth_h = {"Authorization": f"Bearer {token}"}
        http = httpx.Client(
            base_url=url,
            headers=auth_h,
            timeout=60,
            limits=httpx.Limits(max_connections=args.concurrency * 2),
        )
        req = http.post(
            "/v1/requisitions",
            headers={"Idempotency-Key": uuid.uuid4().hex},
            json={
                "external_id": f"bench-{uuid.uuid4().hex[:8]}",
                "title": "Backend engineer",
                "job_family": "engineering",
                "competency_profile": {"problem_solving": 2, "communication": 1},
            },
        )
        req_id = req.json()["requisition_id"]
        tag = uuid.uuid4().hex[:6]
        with tempfile.TemporaryDirectory() as tmp:
            files = resumes(Path(tmp), args.candidates, prefix=f"B{tag}")
            payloads = [(ext, path.name, path.read_bytes()) for ext, path in files]

        cand_ids = []

        def push(job):
            ext, name, content = job
            resp = http.post(
                "/v1/candidates",
                headers={"Idempotency-Key": uuid.uuid4().hex},
                data={"external_id": ext, "requisition_id": req_id},
                files={"resume": (name, content)},
            )
            if resp.status_code in (200, 201):
                cand_ids.append(resp.json()["candidate_id"])
            return resp.status_code

        push_lat, push_wall, push_codes = _run(payloads, args.concurrency, push)

        interviews = [
            http.post(
                "/v1/interviews",
                headers={"Idempotency-Key": uuid.uuid4().hex},
                json={"candidate_id": c, "channel": "text"},
            ).json()["interview_id"]
            for c in cand_ids
        ]
        jobs = [interviews[i % len(interviews)] for i in range(args.polls)]
        poll_lat, poll_wall, poll_codes = _run(
            jobs, args.concurrency, lambda iid: http.get(f"/v1/interviews/{iid}").status_code
        )
        etags = {iid: http.get(f"/v1/interviews/{iid}").headers["etag"] for iid in interviews}
        cond_lat, cond_wall, cond_codes = _run(
            jobs,
            args.concurrency,
            lambda iid: http.get(f"/v1/interviews/{iid}", headers={"If-None-Match": etags[iid]}).status_code,
        )
    finally:
        proc.terminate()
        proc.wait(30)
        auth.revoke_client(creds.client_id)

    report = {
        "cpu_cores": os.cpu_count(),
        "server_workers": args.workers,
        "concurrency": args.concurrency,
        "candidate_push": {**_summary(push_lat, push_wall), "status_codes": sorted(set(push_codes))},
        "status_polling": {**_summary(poll_lat, poll_wall), "status_codes": sorted(set(poll_codes))},
        "status_polling_if_none_match": {
            **_summary(cond_lat, cond_wall),
            "status_codes": sorted(set(cond_codes)),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
