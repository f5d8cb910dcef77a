"""Goal 1: from sending `POST /api/v1/incidents` until the incident's public page answers 200."""

from __future__ import annotations

import time

import httpx

from bench.common import Row, progress, summary_ms
from warroom.testing.server import Server

GOAL_P95_MS = 300


def _declare_and_reach(client: httpx.Client, n: int) -> float:
    started = time.perf_counter()
    reply = client.post(
        "/api/v1/incidents", json={"title": f"Checkout fails {n}", "severity": "S2"}
    )
    if reply.status_code != 201:
        raise RuntimeError(f"declare answered {reply.status_code}: {reply.text}")
    public_url = reply.json()["public_url"]
    deadline = started + 10
    while client.get(public_url).status_code != 200:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{public_url} did not answer 200 within 10 s of declaring")
    return time.perf_counter() - started


def run(server: Server, *, runs: int, database: str) -> list[Row]:
    progress(f"declare: {runs} incidents, each until its public page answers 200")
    headers = {"Authorization": f"Bearer {server.token}"}
    # One keep-alive client, as a CLI session or a chat bot would hold; one unmeasured run first
    # so the first measurement does not pay for lazy imports in the server.
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        _declare_and_reach(client, 0)
        times = [_declare_and_reach(client, n) for n in range(1, runs + 1)]
    stats = summary_ms(times)
    return [
        Row(
            group="declare",
            label=f"declare → public page 200 ({database}, {runs} runs)",
            result=f"median {stats['median_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms",
            goal=f"p95 < {GOAL_P95_MS} ms",
            ok=stats["p95_ms"] < GOAL_P95_MS,
            data=stats,
        )
    ]
