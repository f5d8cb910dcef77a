"""Goal 2: server render time of the public page of an incident with 2,000 entries.

Measured in-process, in a child process whose Django points at the bench server's database:
`django.test.Client` goes through the URL resolver, the middleware and the view, without the
network. Cold = the cache cleared before each run (query, projection with Markdown, template,
ETag, cache store); warm = served from the cache. The child also times the phases of a cold
render by calling the projection and the template directly, and can profile cold renders.

    python -m bench.render SLUG RUNS [--profile]   (with WARROOM_HOME / DATABASE_URL set)
"""

from __future__ import annotations

import json
import os
import statistics
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
    phases = result["phases_median_ms"]
    text = phases.get("error") or ", ".join(f"{k} {v:.0f} ms" for k, v in phases.items())
    rows.append(
        Row(
            group="render",
            label="  cold render by phase (median)",
            result=f"{text}; page {result['page_bytes'] / 1e6:.2f} MB",
            data={"phases_median_ms": phases, "page_bytes": result["page_bytes"]},
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


def _redact_all(rows: list, incident) -> list[str]:
    from warroom.publicpage.projection import public_text

    try:  # the blameless redactor (G5), once it is in
        from warroom.blameless.services import redactor_for
    except ImportError:
        return [row.body for row in rows]
    redactor = redactor_for(incident)
    return [public_text(row.body, redactor) for row in rows]


def _render_all(texts: list[str]) -> list[str]:
    from warroom.lib import markdown

    return [markdown.render(text) for text in texts]


def _phases(slug: str, runs: int) -> dict[str, float]:
    """The steps of the view's build(), timed one by one by calling the same functions."""
    from django.template.loader import render_to_string

    from warroom.incidents.models import Incident
    from warroom.publicpage.projection import public_entries, public_incident

    incident = Incident.objects.get(slug=slug)
    samples: dict[str, list[float]] = {
        "query": [],
        "redaction": [],
        "markdown+nh3": [],
        "whole projection": [],
        "template": [],
    }
    for _ in range(runs):
        rows, seconds = _clock(list, public_entries(incident))
        samples["query"].append(seconds)
        texts, seconds = _clock(_redact_all, rows, incident)
        samples["redaction"].append(seconds)
        samples["markdown+nh3"].append(_clock(_render_all, texts)[1])
        state, seconds = _clock(public_incident, incident)
        samples["whole projection"].append(seconds)
        context = {"incident": state, "live": state}
        samples["template"].append(_clock(render_to_string, "publicpage/incident.html", context)[1])
    medians = {k: statistics.median(v) * 1000 for k, v in samples.items()}
    parts = ("query", "redaction", "markdown+nh3")
    rest = medians.pop("whole projection") - sum(medians[k] for k in parts)
    phases = {**{k: medians[k] for k in parts}, "rest of projection": max(rest, 0.0)}
    phases["template"] = medians["template"]
    return {k: round(v, 1) for k, v in phases.items()}


def _phases_or_error(slug: str, runs: int) -> dict:
    # The breakdown calls the projection's parts directly; if they were renamed, say so and
    # keep the measured totals.
    try:
        return _phases(slug, runs)
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


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
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/incidents/{slug}/"

    def get() -> int:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return len(response.content)

    page_bytes = get()  # unmeasured: template compilation and imports happen once per process
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
        "phases_median_ms": _phases_or_error(slug, max(3, runs // 2)),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), "--profile" in sys.argv[3:])
