"""Issue 6's numbers: the public side with a long history behind it.

With INCIDENTS incidents written in bulk (bench/history.py; 1,000 × 200 public entries in the
full plan, three still open):

1. the status page `/` and `/api/v2/summary.json` render in under 50 ms: in-process (a child
   with django.test.Client, as bench/render.py), cold = right after a public change (an entry
   added to an open incident through the service, which moves the cache's generation), warm =
   from the cache; judged on the cold p95;
2. the incident page of an open incident serves at least 0.7 of /healthz's requests/second
   (wrk -t2 -c50, warm cache, asking as browsers do) on a `warroom serve` with the defaults:
   the median of ROUNDS interleaved rounds;
3. 10,000 viewers polling live.json every 10 s get p99 < 50 ms, and an entry added meanwhile
   is in the very next poll (bench/viewers.py);
4. the static copy, exported and served by nginx: the ceiling (bench/static.py).

The servers measured are one more `warroom serve` on the bench server's home and database,
started after this process raised its open-files limit (they inherit it).

    python -m bench.public SLUG RUNS [--profile]   (with WARROOM_HOME / DATABASE_URL set)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench import static, viewers
from bench.common import Row, another_server, progress, summary_ms
from bench.throughput import Target, measure
from bench.wrk import WrkResult
from warroom.testing.server import Server

GOAL_RENDER_MS = 50
GOAL_RATIO = 0.7
# This machine's speed drifts by half within minutes (a shared VM): each target runs this many
# times, interleaved with /healthz, and a target's ratio is the median of its rounds' ratios.
ROUNDS = 3
RENDERED = {"status": "status page /", "summary": "/api/v2/summary.json"}
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(
    server: Server,
    *,
    incidents: int,
    public: int,
    internal: int,
    open_incidents: int,
    render_runs: int,
    seconds: float,
    warmup: float,
    viewer_count: int,
    poll_seconds: float,
    crowd_seconds: float,
    profile: bool = False,
) -> list[Row]:
    connections = viewers.capacity(viewer_count)
    progress(
        f"public: writing {incidents} incidents × {public} public + {internal} internal entries "
        f"({open_incidents} open) in bulk"
    )
    history = child(server, "bench.history", incidents, public, internal, open_incidents)
    entries = incidents * (public + internal)
    rows = [
        Row(
            "public",
            f"history: {incidents:,} incidents, {incidents * public:,} public + "
            f"{incidents * internal:,} internal entries (bulk)",
            f"{history['seconds']:.0f} s ({entries / history['seconds']:,.0f} entries/s)",
            data={**history, "incidents": incidents, "public": public, "internal": internal},
        )
    ]
    slug = history["open"][0]
    # The bulk writes went around the server's cache: one change through it starts it over.
    viewers.entry_poster(server.url, server.token, slug)()
    rows += _render(server, slug, runs=render_runs, profile=profile, public=public)
    with another_server(server, ()) as url:
        served = _served(url, slug, public, seconds=seconds, warmup=warmup)
        rows += [row for row, _, _ in served.values()]
        rows += viewers.run(
            url,
            server,
            slug,
            viewers=viewer_count,
            connections=connections,
            poll=poll_seconds,
            seconds=crowd_seconds,
            entries=public,
        )
    measured = {key: (target, result) for key, (_, target, result) in served.items()}
    rows += static.run(
        server, child, slug, measured, incidents=incidents, seconds=seconds, warmup=warmup
    )
    return rows


def child(server: Server, module: str, *args) -> dict:
    """Run `python -m module args` against the server's database; its last line is JSON."""
    env = {**server.env, "DJANGO_SETTINGS_MODULE": "warroom.settings"}
    done = subprocess.run(
        [sys.executable, "-m", module, *(str(a) for a in args)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        cwd=_ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _render(server: Server, slug: str, *, runs: int, profile: bool, public: int) -> list[Row]:
    progress(f"public: / and summary.json in-process, {runs} renders after a change + {runs} warm")
    result = child(server, "bench.public", slug, runs, *(["--profile"] * profile))
    rows = []
    for key, name in RENDERED.items():
        cold, warm = result[key]["cold"], result[key]["warm"]
        rows += [
            Row(
                "public",
                f"{name}: render after a public change ({cold['runs']} runs)",
                f"median {cold['median_ms']:.1f} ms, p95 {cold['p95_ms']:.1f} ms",
                goal=f"p95 < {GOAL_RENDER_MS} ms",
                ok=cold["p95_ms"] < GOAL_RENDER_MS,
                data={**cold, "bytes": result[key]["bytes"], "queries": result[key]["queries"]},
            ),
            Row(
                "public",
                f"{name}: served from the cache ({warm['runs']} runs)",
                f"median {warm['median_ms']:.2f} ms, p95 {warm['p95_ms']:.2f} ms",
                data=warm,
            ),
            Row(
                "public",
                f"  {name}: first render in a fresh process (imports, templates, no memos)",
                f"{result[key]['first_ms']:.0f} ms",
                data={"first_ms": result[key]["first_ms"]},
            ),
        ]
    for key, name in (("page", "incident page"), ("live", "live.json")):
        cold = result[key]["cold"]
        rows.append(
            Row(
                "public",
                f"  {name} of an open incident ({public} entries), after a change",
                f"median {cold['median_ms']:.1f} ms, p95 {cold['p95_ms']:.1f} ms",
                data={**cold, "bytes": result[key]["bytes"], "queries": result[key]["queries"]},
            )
        )
    return rows


def _served(
    url: str, slug: str, public: int, *, seconds: float, warmup: float
) -> dict[str, tuple[Row, Target, WrkResult]]:
    """wrk -t2 -c50 against /healthz, an open incident's page and its live.json (304), asking
    as browsers do (Accept-Encoding: the page travels compressed); the page once more without
    compression, for the record. ROUNDS rounds of all four; each row shows the round of its
    median ratio to the same round's /healthz."""
    page = f"/incidents/{slug}/"
    targets = [
        Target("healthz", "GET /healthz (baseline)", "/healthz", browser=True),
        Target("page", f"incident page, {public} entries, as browsers ask", page, browser=True),
        Target("page_plain", f"incident page, {public} entries, uncompressed", page),
        Target(
            "live304",
            "live.json 304",
            f"/incidents/{slug}/live.json",
            expect=304,
            conditional=True,
            browser=True,
        ),
    ]
    rounds: dict[str, list[WrkResult]] = {target.key: [] for target in targets}
    for n in range(1, ROUNDS + 1):
        for target in targets:
            progress(f"public: {target.label} (wrk -t2 -c50 -d{seconds:g}s), round {n}/{ROUNDS}")
            rounds[target.key].append(measure(url, target, seconds=seconds, warmup=warmup))
    baseline = rounds["healthz"]
    served: dict[str, tuple[Row, Target, WrkResult]] = {}
    for target in targets:
        ratios = [r.rps / b.rps for r, b in zip(rounds[target.key], baseline, strict=True)]
        by = [r.rps for r in baseline] if target.key == "healthz" else ratios
        middle = sorted(range(ROUNDS), key=lambda i: by[i])[ROUNDS // 2]
        result, ratio = rounds[target.key][middle], ratios[middle]
        judged = target.key == "page"
        row = Row(
            "public",
            f"warroom serve: {target.label}, wrk -t2 -c50",
            f"{result.rps:,.0f} req/s, p99 {result.p99_ms:.1f} ms"
            + (f", ratio {ratio:.2f} ({_listed(ratios)})" if target.key != "healthz" else "")
            + (
                f" ({', '.join(f'{r.rps:,.0f}' for r in baseline)})"
                if target.key == "healthz"
                else ""
            ),
            goal=f"median ratio ≥ {GOAL_RATIO}" if judged else "",
            ok=ratio >= GOAL_RATIO if judged else None,
            data={
                **result.as_dict(),
                "path": target.path,
                "ratio_to_healthz": round(ratio, 3),
                "rounds": [
                    {"rps": r.rps, "ratio": round(q, 3)}
                    for r, q in zip(rounds[target.key], ratios, strict=True)
                ],
            },
        )
        served[target.key] = (row, target, result)
    return served


def _listed(ratios: list[float]) -> str:
    return "rounds " + " / ".join(f"{r:.2f}" for r in ratios)


# ---- the child process ----------------------------------------------------------------------


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def render(slug: str, runs: int, profile: bool) -> dict:
    """Time each public path right after a public change (cold) and from the cache (warm)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from warroom.flows.entries import add_entry
    from warroom.incidents.models import Incident

    client = Client(HTTP_HOST="127.0.0.1")
    paths = {
        "status": "/",
        "summary": "/api/v2/summary.json",
        "page": f"/incidents/{slug}/",
        "live": f"/incidents/{slug}/live.json",
    }
    incident = Incident.objects.get(slug=slug)
    user = get_user_model().objects.get(username="alice")
    sizes, queries = {}, {}

    def get(key: str) -> None:
        connection.queries_log.clear()  # CaptureQueriesContext counts within its last 9,000
        with CaptureQueriesContext(connection) as captured:
            response = client.get(paths[key])
        if response.status_code != 200:
            raise RuntimeError(f"{paths[key]} answered {response.status_code}")
        sizes[key], queries[key] = len(response.content), len(captured)

    def change(n: int) -> None:
        add_entry(incident=incident, body=f"Update {n}: error rates are falling.", author=user)

    first = {key: _timed(lambda k=key: get(k)) for key in RENDERED}
    cold: dict[str, list[float]] = {key: [] for key in paths}
    for n in range(runs):
        change(n)
        for key in paths:
            cold[key].append(_timed(lambda k=key: get(k)))
    cold_queries = dict(queries)
    warm = {key: [_timed(lambda k=key: get(k)) for _ in range(runs)] for key in paths}
    if profile:
        for key in RENDERED:
            _profile(paths[key], lambda: change(-1), lambda k=key: get(k), runs)
    return {
        key: {
            "cold": summary_ms(cold[key]),
            "warm": summary_ms(warm[key]),
            "bytes": sizes[key],
            "queries": cold_queries[key],
            "first_ms": round(first.get(key, 0) * 1000, 1),
        }
        for key in paths
    }


def _profile(path: str, change, get, runs: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for _ in range(runs):
        change()
        profiler.runcall(get)
    for order in ("tottime", "cumulative"):
        print(f"\n---- {path}: {runs} renders after a change, by {order} ----", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(30)


if __name__ == "__main__":
    import warroom.wsgi  # noqa: F401  set up as a `warroom serve` process is

    print(json.dumps(render(sys.argv[1], int(sys.argv[2]), "--profile" in sys.argv[3:])))
