"""Goal 3: requests/second under 50 concurrent clients, as a ratio to the constant /healthz.

Each target gets a short unmeasured wrk run first (the cache fills, granian's threads start),
then the measured `wrk -t2 -c50 --latency`. wrk runs on the same machine as the server, so both
share its cores: the ratios are the point, not the absolute numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from bench.common import Row, progress
from bench.corpus import Incident
from bench.wrk import WrkResult, wrk
from warroom.testing.server import Server

GOAL_RATIO = 0.7


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    path: str
    expect: int = 200
    conditional: bool = False  # poll with If-None-Match: <ETag of a first GET>
    browser: bool = False  # send Accept-Encoding as browsers do (compressed answers)

    @property
    def headers(self) -> dict[str, str]:
        # httpx asks for gzip unless told otherwise, wrk never: both say the same here.
        encodings = "gzip, deflate, br, zstd" if self.browser else "identity"
        return {"Accept-Encoding": encodings}


def targets(big: Incident, typical: Incident) -> list[Target]:
    return [
        Target("healthz", "GET /healthz (baseline)", "/healthz"),
        Target(
            "page_typical",
            f"public page, {typical.public_entries} entries",
            f"/incidents/{typical.slug}/",
        ),
        Target("page_big", f"public page, {big.public_entries} entries", f"/incidents/{big.slug}/"),
        Target(
            "live304_typical",
            f"live.json 304, {typical.public_entries} entries",
            f"/incidents/{typical.slug}/live.json",
            expect=304,
            conditional=True,
        ),
        Target(
            "live304_big",
            f"live.json 304, {big.public_entries} entries",
            f"/incidents/{big.slug}/live.json",
            expect=304,
            conditional=True,
        ),
    ]


def measure(base_url: str, target: Target, *, seconds: float, warmup: float) -> WrkResult:
    url = base_url + target.path
    headers = target.headers
    if target.conditional:
        headers["If-None-Match"] = httpx.get(url, headers=headers, timeout=30).headers["ETag"]
    started = time.perf_counter()
    try:
        status = httpx.get(url, headers=headers, timeout=30).status_code
    except httpx.TimeoutException:
        raise RuntimeError(f"GET {url} took over 30 s") from None
    if time.perf_counter() - started > 5:
        progress(
            f"  warning: the first GET {target.path} took {time.perf_counter() - started:.1f} s"
        )
    if status != target.expect:
        raise RuntimeError(f"{url} answered {status}, expected {target.expect}")
    wrk(url, seconds=warmup, headers=headers)
    result = wrk(url, seconds=seconds, headers=headers)
    if result.bad_responses or result.socket_errors:
        progress(
            f"  warning: {result.bad_responses} bad responses, {result.socket_errors} socket "
            f"errors ({result.timeouts} timeouts) on {target.path}"
        )
    return result


def _row(target: Target, result: WrkResult, baseline: WrkResult | None, seconds: float) -> Row:
    text = f"{result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
    data = {**result.as_dict(), "path": target.path, "seconds": seconds}
    if baseline is None:
        return Row("throughput", target.label, text, data=data)
    ratio = result.rps / baseline.rps
    data["ratio_to_healthz"] = round(ratio, 3)
    return Row(
        "throughput",
        target.label,
        f"{text}, ratio {ratio:.2f}",
        goal=f"ratio ≥ {GOAL_RATIO}",
        ok=ratio >= GOAL_RATIO,
        data=data,
    )


def run(
    server: Server, big: Incident, typical: Incident, *, seconds: float, warmup: float
) -> list[Row]:
    """The goal rows, against `server` as `warroom serve` starts by default."""
    rows: list[Row] = []
    baseline: WrkResult | None = None
    for target in targets(big, typical):
        progress(f"throughput: {target.label} (wrk -t2 -c50 -d{seconds:g}s)")
        result = measure(server.url, target, seconds=seconds, warmup=warmup)
        rows.append(_row(target, result, baseline, seconds))
        baseline = baseline or result
    return rows
