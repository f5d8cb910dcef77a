"""Issue 5's numbers: one status update fanned out to 50,000 e-mail subscribers through a local
SMTP sink (goal < 60 s with two worker processes) and to 10,000 webhook subscribers on a local
receiver (goal < 10 s), each with 1 and 2 `warroom worker` processes, on SQLite and PostgreSQL.

Each run has a fresh database with the subscribers written in bulk and the workers already
running and idle, as in life. The clock starts before the status change (whose transaction
writes every message and its delivery tasks: reported as "queued") and stops when the last
message is recorded as sent; the sink's own count must then equal the subscribers. Sink,
receiver and workers are separate processes on this machine's cores.

    python -m bench.fanout KIND COUNT PORT setup|go   (with WARROOM_HOME / DATABASE_URL set)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from bench.common import Row, progress
from warroom.testing.server import WARROOM, free_port, fresh_postgres_database

# Seconds for this many subscribers with two workers (smaller runs are reported, not judged).
GOALS = {"email": (50_000, 60.0), "webhook": (10_000, 10.0)}
LIMIT_SECONDS = 300  # a run that takes longer has failed


def run(*, emails: int, webhooks: int, database_url: str | None) -> list[Row]:
    rows = []
    databases = [("SQLite", None)] + ([("PostgreSQL", database_url)] if database_url else [])
    for database, url in databases:
        for kind, count in (("email", emails), ("webhook", webhooks)):
            seconds = {}
            for workers in (1, 2):
                progress(f"fan-out: {count} {kind} subscribers, {workers} worker(s), {database}")
                result = _run_one(kind, count, workers, url)
                seconds[workers] = result["seconds"]
                progress(
                    f"  queued in {result['queued_s']:.1f} s, all sent after "
                    f"{result['seconds']:.1f} s ({count / result['seconds']:.0f}/s)"
                )
                least, seconds_goal = GOALS[kind]
                judged = workers == 2 and count >= least
                rows.append(_row(result, database, goal=seconds_goal if judged else None))
            rows[-1].data["scaling_1_to_2"] = round(seconds[1] / seconds[2], 2)
            rows[-1].result += f"; ×{seconds[1] / seconds[2]:.2f} of 1 worker"
    return rows


def _row(result: dict, database: str, *, goal: float | None) -> Row:
    count, workers, seconds = result["count"], result["workers"], result["seconds"]
    return Row(
        group="fanout",
        label=f"{count} {result['kind']} subscribers, {workers} worker{'s' * (workers > 1)}, "
        f"{database}",
        result=f"{seconds:.1f} s ({count / seconds:.0f}/s, queued in {result['queued_s']:.1f} s)",
        goal=f"< {goal:.0f} s" if goal else "",
        ok=seconds < goal if goal else None,
        data={**result, "database": database},
    )


def _run_one(kind: str, count: int, workers: int, database_url: str | None) -> dict:
    home = tempfile.mkdtemp(prefix="warroom-bench-fanout-")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "WARROOM_HOME": home,
            "DJANGO_SETTINGS_MODULE": "warroom.settings",
            "WARROOM_ALLOW_PRIVATE_WEBHOOKS": "1",
            "WARROOM_LOG_LEVEL": "ERROR",
        }
    )
    if database_url:
        with fresh_postgres_database(database_url) as url:
            return _measure({**env, "DATABASE_URL": url}, kind, count, workers)
    return _measure(env, kind, count, workers)


def _measure(env: dict, kind: str, count: int, workers: int) -> dict:
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.sinks", "smtp" if kind == "email" else "http", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=_ROOT,
    )
    assert sink.stdout.readline().strip() == "ready"
    env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    subprocess.run([WARROOM, "migrate"], env=env, check=True, capture_output=True)
    driver = [sys.executable, "-m", "bench.fanout", kind, str(count), str(port)]
    subprocess.run([*driver, "setup"], env=env, check=True, cwd=_ROOT)
    # The scheduler pass stays out of the way (every 60 s); the delivery loop polls every 1 s.
    running = [
        subprocess.Popen(
            [WARROOM, "worker", "--every", "60"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        time.sleep(2)  # the workers are up and idle
        done = subprocess.run(
            [*driver, "go"], env=env, check=True, cwd=_ROOT, stdout=subprocess.PIPE, text=True
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["cpu_s"] = {
            "workers": round(sum(_cpu_seconds(w.pid) for w in running), 1),
            "sink": round(_cpu_seconds(sink.pid), 1),
        }
    finally:
        for worker in running:
            worker.terminate()
        for worker in running:
            worker.wait(timeout=30)
        sink.send_signal(signal.SIGTERM)
        received = int(sink.communicate(timeout=30)[0].strip().splitlines()[-1])
    if received < count:
        raise RuntimeError(f"the {kind} sink received {received} of {count} messages")
    return {**result, "received": received, "workers": workers, "kind": kind, "count": count}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _setup(kind: str, count: int, port: int) -> None:
    from warroom.accounts.services import create_user
    from warroom.flows.declare import declare
    from warroom.subscribers.models import Subscriber

    user = create_user(username="ic", email="ic@example.com", name="Ines Commander")
    declare(title="Checkout errors", severity="S1", declared_by=user, commander="ic")
    address = (
        (lambda n: f"reader{n}@example.com")
        if kind == "email"
        else (lambda n: f"http://127.0.0.1:{port}/hooks/{n}")
    )
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                kind=kind,
                address=address(n),
                confirmed=True,
                confirm_token=f"c{n}",
                unsubscribe_token=f"u{n}",
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def _go(count: int) -> dict:
    from warroom.comms.models import Message
    from warroom.flows.status import change_status
    from warroom.incidents.models import Incident

    incident = Incident.objects.get()
    started = time.perf_counter()
    change_status(
        incident=incident,
        status="identified",
        message="The cause is a full disk on a database host; a fix is being deployed.",
        by=incident.declared_by,
    )
    queued = time.perf_counter() - started
    updates = Message.objects.filter(kind=Message.Kind.UPDATE)
    while time.perf_counter() - started < LIMIT_SECONDS:
        if updates.filter(state=Message.State.SENT).count() >= count:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"not all {count} messages were sent after {LIMIT_SECONDS} s")
    seconds = time.perf_counter() - started
    failed = updates.exclude(state=Message.State.SENT).count()
    return {"seconds": round(seconds, 2), "queued_s": round(queued, 2), "not_sent": failed}


if __name__ == "__main__":
    import django

    django.setup()
    kind, count, port, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    if step == "setup":
        _setup(kind, count, port)
    else:
        print(json.dumps(_go(count)))
