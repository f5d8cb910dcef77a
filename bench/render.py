"""Goal 2: server render time of the public page of an incident with 2,000 entries.

Measured in-process, in a child process whose Django points at the bench server's database:
`django.test.Client` goes through the URL resolver, the middleware and the view, without the
network. Cold = the cache cleared before each run (query, projection with Markdown, template,
ETag, cache store); warm = served from the cache. The child also times the first render in the
process and the first live.json build, and can profile cold renders.

    python -m bench.render SLUG RUNS [--profile]   (with WARROOM_HOME / DATABASE_URL set)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench.common import Row, progress, summary_ms
from bench.corpus import Incident
from warroom.testing.server import Server

GOAL_MS = 100


def run(server: Server, incident: Incident, *, runs: int, profile: bool = False) -> list[Row]:
    progress(f"render: public page of {incident.public_entries} entries, {runs} cold + {runs} warm")
    env = {**server.env, "DJANGO_SETTINGS_MODULE": "warroom.settings"}
    args = [sys.executable, "-m", "bench.render", incident.slug, str(runs)]
    done = subprocess.run(
        args + (["--profile"] if profile else []),
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    label = f"public page, {incident.public_entries} entries"
    rows = []
    for name in ("cold", "warm"):
        stats = result[name]
        rows.append(
            Row(
                group="render",
                label=f"{label}: {name} render (in-process, {stats['runs']} runs)",
                result=f"median {stats['median_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms",
                goal=f"p95 < {GOAL_MS} ms",
                ok=stats["p95_ms"] < GOAL_MS,
                data={**stats, "page_bytes": result["page_bytes"]},
            )
        )
    for key, label in (
        (
            "first_page_ms",
            "  first page render in a fresh process (with imports, template compile)",
        ),
        (
            "first_live_ms",
            f"  live.json of all {incident.public_entries} entries, first build in the process",
        ),
    ):
        rows.append(
            Row(
                group="render", label=label, result=f"{result[key]:.0f} ms", data={key: result[key]}
            )
        )
    return rows


# ---- the child process ----------------------------------------------------------------------


def _clock(fn, *args):
    started = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - started


def _timed(fn) -> float:
    return _clock(fn)[1]


def _profile(get, clear, runs: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for _ in range(runs):
        clear()
        profiler.runcall(get)
    for order in ("tottime", "cumulative"):
        print(f"\n---- cold render profile, {runs} runs, by {order} ----", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(25)


def main(slug: str, runs: int, profile: bool) -> None:
    from django.core.cache import cache
    from django.test import Client

    import warroom.wsgi  # noqa: F401  set up as a `warroom serve` process is

    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/incidents/{slug}/"

    def get() -> int:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return len(response.content)

    page_bytes, first_page = _clock(get)  # the first one also pays for imports and templates
    # live.json holds every entry; those beyond the page are redacted and rendered the first time.
    first_live = _timed(lambda: client.get(f"/incidents/{slug}/live.json"))
    cold = []
    for _ in range(runs):
        cache.clear()
        cold.append(_timed(get))
    warm = [_timed(get) for _ in range(runs)]
    if profile:
        _profile(get, cache.clear, runs)
    result = {
        "cold": summary_ms(cold),
        "warm": summary_ms(warm),
        "page_bytes": page_bytes,
        "first_page_ms": first_page * 1000,
        "first_live_ms": first_live * 1000,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), "--profile" in sys.argv[3:])
