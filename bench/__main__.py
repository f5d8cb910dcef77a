"""python -m bench [--quick] [--only NAME] [--database-url URL] [--profile]"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import configs, declare, fanout, playbook, public, redaction, render, throughput
from bench.common import RESULTS, Row, bench_server, progress
from bench.corpus import make_incident

NAMES = ["declare", "render", "throughput", "configs", "redaction", "playbook", "fanout", "public"]


@dataclass(frozen=True)
class Plan:
    declare_runs: int = 50
    render_runs: int = 20
    big_public: int = 2000
    big_internal: int = 200
    typical_public: int = 29  # + the entry declaring writes = 30
    typical_internal: int = 8
    wrk_seconds: int = 10
    sweep_seconds: int = 3
    warmup_seconds: int = 1
    sweep_warmup_seconds: int = 1
    threads: tuple[int, ...] = (2, 4, 8)
    open_incidents: int = 500
    playbook_declares: int = 50
    redaction_copies: int = 20
    fanout_emails: int = 50_000
    fanout_webhooks: int = 10_000
    public_incidents: int = 1000
    public_entries: int = 200  # public, each incident
    public_internal: int = 20
    public_open: int = 3
    viewers: int = 10_000
    viewer_poll_seconds: float = 10
    viewer_seconds: int = 40


QUICK = Plan(
    declare_runs=10,
    render_runs=5,
    wrk_seconds=2,
    sweep_seconds=1,
    warmup_seconds=1,
    threads=(2, 8),
    open_incidents=100,
    playbook_declares=20,
    redaction_copies=3,
    fanout_emails=2_000,
    fanout_webhooks=1_000,
    public_incidents=50,
    public_entries=50,
    public_internal=5,
    viewers=1_000,
    viewer_poll_seconds=2,
    viewer_seconds=8,
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs, shorter wrk: a smoke check"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=NAMES,
        metavar="NAME",
        help=f"run only this measurement (repeatable): {', '.join(NAMES)}",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="serve from a fresh PostgreSQL database next to this one "
        "(e.g. postgresql://postgres@127.0.0.1:5432/test); default SQLite",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the cold public-page renders"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace, plan: Plan) -> list[Row]:
    chosen = args.only or NAMES
    database = "PostgreSQL" if args.database_url else "SQLite"
    rows: list[Row] = []
    progress(f"starting warroom serve on {database}")
    with bench_server(args.database_url) as server:
        if set(chosen) & {"render", "throughput", "configs"}:
            progress(
                f"filling incidents: {plan.big_public} + {plan.big_internal} internal "
                f"entries, and {plan.typical_public} + {plan.typical_internal}"
            )
            started = time.monotonic()
            big = make_incident(
                server, "Checkout errors in eu-west-1", plan.big_public, plan.big_internal, seed=1
            )
            typical = make_incident(
                server, "Slow logins", plan.typical_public, plan.typical_internal, seed=2
            )
            # Another incident's timeline, written to while the big page is measured.
            noisy = make_incident(server, "Delayed e-mail notifications", 0, 0, seed=3)
            added = (
                plan.big_public + plan.big_internal + plan.typical_public + plan.typical_internal
            )
            elapsed = time.monotonic() - started
            progress(f"  {added} entries in {elapsed:.1f} s ({elapsed / added * 1000:.1f} ms each)")
            rows.append(
                Row(
                    "fill",
                    f"{added} timeline entries added over the API",
                    f"{elapsed / added * 1000:.1f} ms each ({elapsed:.1f} s)",
                    data={"entries": added, "seconds": round(elapsed, 2)},
                )
            )
        if "declare" in chosen:
            rows += declare.run(server, runs=plan.declare_runs, database=database)
        if "render" in chosen:
            rows += render.run(server, big, runs=plan.render_runs, profile=args.profile)
        if "throughput" in chosen:
            rows += throughput.run(
                server, big, typical, seconds=plan.wrk_seconds, warmup=plan.warmup_seconds
            )
        if "configs" in chosen:
            rows += configs.sweep(
                server,
                big,
                typical,
                noisy,
                threads=list(plan.threads),
                seconds=plan.sweep_seconds,
                warmup=plan.sweep_warmup_seconds,
            )
        if "public" in chosen:  # last on this server: it writes a long history into it
            rows += public.run(
                server,
                incidents=plan.public_incidents,
                public=plan.public_entries,
                internal=plan.public_internal,
                open_incidents=plan.public_open,
                render_runs=plan.render_runs,
                seconds=plan.wrk_seconds,
                warmup=plan.warmup_seconds,
                viewer_count=plan.viewers,
                poll_seconds=plan.viewer_poll_seconds,
                crowd_seconds=plan.viewer_seconds,
                profile=args.profile,
            )
    if "redaction" in chosen:
        rows += redaction.run(copies=plan.redaction_copies)
    if "playbook" in chosen:
        rows += playbook.run(
            incidents=plan.open_incidents,
            declare_runs=plan.playbook_declares,
            database_url=args.database_url,
        )
    if "fanout" in chosen:
        rows += fanout.run(
            emails=plan.fanout_emails,
            webhooks=plan.fanout_webhooks,
            database_url=args.database_url,
        )
    return rows


TITLES = {
    "fill": "0. Setting up (not a goal)",
    "declare": "1. Declare → public page reachable (real server, HTTP)",
    "render": "2. Public page server render time (in-process, django.test.Client)",
    "throughput": "3. Throughput, wrk -t2 -c50, `warroom serve` defaults",
    "redaction": "4. Redaction (issue 3): evaluation sets and throughput",
    "playbook": "5. Playbook (issue 4): declare → first steps done, scheduler passes",
    "fanout": "6. Fan-out (issue 5): one status update → every subscriber, `warroom worker` processes",
    "public": "7. The public side (issue 6): a long history, viewers polling, the static copy",
    "configs": "   `warroom serve` configurations on the same data, wrk -t2 -c50 for each cell:\n"
    "   req/s, ratio to its own /healthz, p99 ms (t/o: wrk timeouts > 2 s, wf: failed writes)",
}


def table(rows: list[Row]) -> str:
    width = max(len(r.label) for r in rows)
    result_width = max(len(r.result) for r in rows if r.goal) if any(r.goal for r in rows) else 0
    lines, group = [], None
    for row in rows:
        if row.group != group:
            group = row.group
            lines.append(("" if not lines else "\n") + TITLES.get(group, group))
        line = f"  {row.label:<{width}}  {row.result:<{result_width}}"
        if row.goal:
            line += f"  goal {row.goal:<14} {row.verdict}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def _commit() -> str | None:
    """The checked-out commit, with "+dirty" when the tree has changes; None outside git."""
    try:
        git = ["git", "-C", str(Path(__file__).parent)]
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else Plan()
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        progress(
            f"warning: load average {load_before:.1f} before starting; "
            "other work on this machine makes the numbers noisy"
        )
    rows = run(args, plan)
    elapsed = time.monotonic() - started
    print()
    print(table(rows))
    missed = [r for r in rows if r.ok is False]
    print(
        f"\n{len(missed)} of {sum(r.ok is not None for r in rows)} goals missed; "
        f"{elapsed:.0f} s on {os.cpu_count()} CPUs"
    )
    RESULTS.mkdir(exist_ok=True)
    report = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(elapsed, 1),
        "quick": args.quick,
        "commit": _commit(),
        "database": "postgresql" if args.database_url else "sqlite",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "plan": plan.__dict__,
        "rows": [r.as_dict() for r in rows],
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
