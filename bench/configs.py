"""How `warroom serve --threads` (and `--workers`) changes throughput, on the same data.

Each configuration is one more `warroom serve` on the bench server's database. Per configuration:
/healthz, the typical and the big public page (cached), and the big page while a responder adds
a public entry to another incident every 2 s, which empties the public cache each time.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

from bench.common import Row, another_server, progress
from bench.corpus import Incident, entry_body
from bench.throughput import measure, targets
from bench.wrk import WrkResult, wrk
from warroom.testing.server import Server, free_port


@contextlib.contextmanager
def private_redis() -> Iterator[str | None]:
    """A throwaway redis-server on a free port (several workers need a shared cache), or None."""
    if shutil.which("redis-server") is None:
        yield None
        return
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Writes:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        slowest = max(self.latencies, default=0.0)
        return {
            "writes": len(self.latencies),
            "failed_writes": len(self.failures),
            "slowest_write_ms": round(slowest * 1000, 1),
            "first_failure": self.failures[0] if self.failures else None,
        }


@contextlib.contextmanager
def writing(url: str, token: str, slug: str, every: float) -> Iterator[Writes]:
    """A responder adding a public entry to `slug` every `every` seconds, from a thread: each
    one invalidates every cached public rendering."""
    stop = threading.Event()
    writes = Writes()

    def write() -> None:
        rng = random.Random(7)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=25) as client:
            while not stop.is_set():
                started = time.perf_counter()
                payload = {"body": entry_body(rng), "kind": "event"}
                try:
                    reply = client.post(f"/api/v1/incidents/{slug}/timeline", json=payload)
                    if reply.status_code != 201:
                        writes.failures.append(f"{reply.status_code} {reply.text[:200]}")
                except httpx.HTTPError as exc:
                    writes.failures.append(f"{type(exc).__name__}: {exc}")
                writes.latencies.append(time.perf_counter() - started)
                stop.wait(every)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        yield writes
    finally:
        stop.set()
        thread.join()


CELL = 24
WRITE_EVERY = 2.0


def _cell(result: WrkResult, base: float) -> str:
    text = f"{result.rps:>6,.0f} {result.rps / base:4.2f} {result.p99_ms:>5.0f}"
    if result.timeouts:
        text += f" {result.timeouts}t/o"
    if result.extra.get("failed_writes"):
        text += f" {result.extra['failed_writes']}wf"
    return text.ljust(CELL)


def sweep_header(big: Incident, typical: Incident) -> Row:
    columns = [
        "/healthz",
        f"{typical.public_entries} entries",
        f"{big.public_entries} entries",
        f"{big.public_entries}, write/{WRITE_EVERY:g}s",
    ]
    return Row("configs", "config", "".join(c.ljust(CELL) for c in columns).rstrip())


def _measure_config(
    url: str,
    server: Server,
    big: Incident,
    typical: Incident,
    noisy: Incident,
    *,
    seconds: float,
    warmup: float,
) -> dict[str, WrkResult]:
    chosen = {t.key: t for t in targets(big, typical)}
    results = {
        key: measure(url, chosen[key], seconds=seconds, warmup=warmup)
        for key in ("healthz", "page_typical", "page_big")
    }
    # The same big page while another incident changes: every write empties the public cache,
    # and the page is rebuilt by whichever requests arrive first.
    with writing(url, server.token, noisy.slug, WRITE_EVERY) as writes:
        results["page_big_writes"] = wrk(url + chosen["page_big"].path, seconds=seconds + 2)
    results["page_big_writes"].extra.update(writes.summary())
    if writes.failures:
        progress(f"  {len(writes.failures)} writes failed, first: {writes.failures[0]}")
    return results


def sweep(
    server: Server,
    big: Incident,
    typical: Incident,
    noisy: Incident,
    *,
    threads: list[int],
    seconds: float,
    warmup: float,
    workers: bool = True,
) -> list[Row]:
    """The same data served with several `--threads` (and, with redis, `--workers 2`): cached
    pages, and the big page while an entry is added every 2 s to another incident."""
    configs: list[tuple[str, tuple[str, ...], bool]] = [
        (f"--threads {n}", ("--threads", str(n)), False) for n in threads
    ]
    if workers:
        configs.append(
            ("--workers 2 --threads 4, redis", ("--workers", "2", "--threads", "4"), True)
        )
    rows = [sweep_header(big, typical)]
    with private_redis() as redis_url:
        for name, args, needs_redis in configs:
            if needs_redis and redis_url is None:
                continue
            env = {"WARROOM_CACHE_URL": redis_url} if needs_redis and redis_url else None
            progress(f"configs: warroom serve {name}")
            try:
                with another_server(server, args, env) as url:
                    results = _measure_config(
                        url, server, big, typical, noisy, seconds=seconds, warmup=warmup
                    )
            except (RuntimeError, httpx.HTTPError) as exc:
                progress(f"  failed: {exc}")
                rows.append(Row("configs", name, f"failed: {exc}"))
                continue
            base = results["healthz"].rps
            cells = "".join(_cell(results[key], base) for key in results).rstrip()
            data = {"serve_args": list(args), "seconds": seconds, "write_every_s": WRITE_EVERY}
            data |= {k: r.as_dict() for k, r in results.items()}
            rows.append(Row("configs", name, cells, data=data))
    return rows
