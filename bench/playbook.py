"""Issue 4's numbers: declare → all automatic first steps done (p95 < 1 s on SQLite), and one
scheduler pass over 500 open incidents with the default playbook (< 1 s).

Measured in a child process on a fresh database: declare runs the war room, public page,
announcement draft, first marketing page and live-stream proposal inside its own transaction,
so its latency is the time until they are all done. The scheduler passes run with the clock
moved (time-machine) so that every incident's reminder step is due, as once a minute in life.

    python -m bench.playbook INCIDENTS DECLARE_RUNS   (with WARROOM_HOME / DATABASE_URL set)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from bench.common import Row, progress, summary_ms
from warroom.testing.server import WARROOM, fresh_postgres_database

GOAL_DECLARE_P95_MS = 1000
GOAL_PASS_MS = 1000


def run(*, incidents: int, declare_runs: int, database_url: str | None) -> list[Row]:
    progress(
        f"playbook: {declare_runs} declarations, then a scheduler pass over {incidents} open incidents"
    )
    home = tempfile.mkdtemp(prefix="warroom-bench-playbook-")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"WARROOM_HOME": home, "DJANGO_SETTINGS_MODULE": "warroom.settings"})
    if database_url:
        with fresh_postgres_database(database_url) as url:
            return _measure({**env, "DATABASE_URL": url}, incidents, declare_runs)
    return _measure(env, incidents, declare_runs)


def _measure(env: dict, incidents: int, declare_runs: int) -> list[Row]:
    subprocess.run([WARROOM, "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.playbook", str(incidents), str(declare_runs)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    declare = result["declare"]
    rows = [
        Row(
            group="playbook",
            label=f"declare → automatic first steps done ({result['database']}, {declare['runs']} runs)",
            result=f"median {declare['median_ms']:.1f} ms, p95 {declare['p95_ms']:.1f} ms",
            goal=f"p95 < {GOAL_DECLARE_P95_MS} ms",
            ok=declare["p95_ms"] < GOAL_DECLARE_P95_MS,
            data=declare,
        )
    ]
    for name, label in (
        ("idle", "nothing due"),
        ("steady", "every incident's reminder step checks (the pass of every minute)"),
        ("reminders", "a reminder due in every incident at once"),
        ("escalations", "reminders, second pages and late announcements at once"),
    ):
        p = result["passes"][name]
        rows.append(
            Row(
                group="playbook",
                label=f"scheduler pass, {result['incidents']} open incidents: {label}",
                result=f"{p['ms']:.0f} ms for {p['steps']} steps",
                goal=f"< {GOAL_PASS_MS} ms" if name in ("idle", "steady") else "",
                ok=p["ms"] < GOAL_PASS_MS if name in ("idle", "steady") else None,
                data=p,
            )
        )
    return rows


def _child(incidents: int, declare_runs: int) -> None:
    import django

    django.setup()
    import time_machine
    from django.db import connection
    from django.utils import timezone

    from warroom.accounts.services import create_user, import_roster
    from warroom.flows.declare import declare
    from warroom.playbooks import engine

    user = create_user(username="ic", email="ic@example.com", name="Ines Commander")
    import_roster(
        [
            {"name": "Marta Jansen", "username": "marta", "team": "marketing"},
            {"name": "Kofi Mensah", "username": "kofi", "team": "marketing"},
        ]
    )
    start = timezone.now()
    times = []
    with time_machine.travel(start, tick=True):
        for n in range(incidents):
            began = time.perf_counter()
            declare(
                title=f"Checkout errors {n}",
                severity=("S1", "S2", "S3")[n % 3],
                declared_by=user,
                commander="ic",
            )
            if n < declare_runs:
                times.append(time.perf_counter() - began)
    passes = {}
    for name, minutes in (("idle", 0.5), ("steady", 5), ("reminders", 11), ("escalations", 16)):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            began = time.perf_counter()
            steps = engine.tick()
            passes[name] = {"ms": (time.perf_counter() - began) * 1000, "steps": steps}
    print(
        json.dumps(
            {
                "database": "PostgreSQL" if connection.vendor == "postgresql" else "SQLite",
                "incidents": incidents,
                "declare": summary_ms(times),
                "passes": passes,
            }
        )
    )


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
