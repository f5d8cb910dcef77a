"""What every measurement shares: a result row, percentiles, progress lines, the server."""

from __future__ import annotations

import contextlib
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from warroom.testing.server import (
    WARROOM,
    Server,
    free_port,
    fresh_postgres_database,
    running_server,
    stop,
    wait_until_up,
)

RESULTS = Path(__file__).parent / "results"
_started = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass
class Row:
    """One line of the result table; `ok` is None for a line without a goal."""

    group: str
    label: str
    result: str
    goal: str = ""
    ok: bool | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "MISS")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: p95 of 50 runs is the 48th fastest, an actual observation."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil without floats
    return ordered[int(rank) - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "runs": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
    }


@contextlib.contextmanager
def bench_server(database_url: str | None, serve_args: tuple[str, ...] = ()) -> Iterator[Server]:
    """A fresh server on SQLite, or on a fresh database next to `database_url` (PostgreSQL).

    Its WARROOM_HOME (database, logs) is removed afterwards unless the run failed."""
    with contextlib.ExitStack() as stack:
        fresh = stack.enter_context(fresh_postgres_database(database_url)) if database_url else None
        server = stack.enter_context(running_server(database_url=fresh, serve_args=serve_args))
        try:
            yield server
        except BaseException:
            progress(f"the server's home, with its logs, is kept in {server.env['WARROOM_HOME']}")
            raise


@contextlib.contextmanager
def another_server(
    server: Server, serve_args: tuple[str, ...], env: dict[str, str] | None = None
) -> Iterator[str]:
    """One more `warroom serve` on the same WARROOM_HOME and database as `server`: the data is
    filled once and served with several configurations. Yields its base URL."""
    port = free_port()
    serve_args = (*serve_args, "--no-scheduler")  # the bench server runs the scheduler already
    log_path = Path(server.env["WARROOM_HOME"]) / f"serve-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [WARROOM, "serve", "--port", str(port), *serve_args],
            env={**server.env, **(env or {})},
            stdout=log,
            stderr=log,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, process)
            yield url
        except Exception as exc:
            kept = RESULTS / log_path.name  # the server's home is removed after the run
            RESULTS.mkdir(exist_ok=True)
            shutil.copyfile(log_path, kept)
            raise RuntimeError(f"{exc} (server log: {kept})") from exc
        finally:
            stop(process)
