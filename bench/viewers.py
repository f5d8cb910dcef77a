"""Viewers of an incident polling its live.json, as the page's script does: every connection of
wrk is one viewer that asks with If-None-Match every POLL seconds (mostly 304), its first poll
at a random moment of the first period so the crowd is spread as a real one is. When a poll
brings a new ETag, each viewer fetches the new body once: the thread sends the old ETag for one
more round of its connections, then the new one.

The crowd runs twice: steady (every poll a 304: the goal's p99), then with a public entry added
halfway through the REST API by one more viewer, in Python, that times how soon live.json
returns it: the gap between the POST's answer and the first GET that has the entry (GETs every
10 ms, so the first one is what the next poll of any viewer gets).

The server is `warroom serve` with its defaults, which hold 16,384 connections per process: a
viewer keeps its connection open between polls, and granian's own default (1,024) left nine in
ten of a 10,000-viewer crowd, and any new client, waiting in the kernel's queue.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bench.common import Row, progress
from bench.wrk import WrkResult, parse
from warroom.testing.server import Server

GOAL_P99_MS = 50

THREADS = 2
SCRIPT = """
local period, per_thread, etag = 10000, 1, ""
local started, fresh, left = 0, nil, 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  period, per_thread, etag = tonumber(args[1]), tonumber(args[2]), args[3]
  math.randomseed(id * 7919)
end

function delay()
  if started < per_thread then  -- each connection's first request
    started = started + 1
    return math.random(0, period - 1)
  end
  return period
end

function request()
  if fresh ~= nil then
    left = left - 1
    if left <= 0 then etag, fresh = fresh, nil end
  end
  -- as live.js's fetch() in a browser asks
  return wrk.format("GET", nil, {["If-None-Match"] = etag, ["Accept-Encoding"] = "gzip, deflate, br, zstd"})
end

function response(status, headers, body)
  if status == 200 and fresh == nil then
    local tag = headers["ETag"] or headers["etag"] or headers["Etag"]
    if tag and tag ~= etag then fresh, left = tag, per_thread end
  end
end
"""


def run(
    url: str,
    server: Server,
    slug: str,
    *,
    viewers: int,
    connections: int,
    poll: float,
    seconds: float,
    entries: int,
) -> list[Row]:
    """Two runs of the crowd against `url` (a `warroom serve` with the defaults): steady (every
    poll a 304), then with an entry added halfway."""
    name = "warroom serve"
    period = poll * connections / viewers  # fewer connections poll proportionally more often
    rate = connections / period
    who = f"{viewers:,} viewers" if connections == viewers else f"{connections:,} connections"
    live = f"{url}/incidents/{slug}/live.json"
    runs = {}
    for kind in ("steady", "change"):
        progress(
            f"public: {who} polling live.json every {period:g} s ({rate:,.0f} req/s) for "
            f"{seconds:g} s, {name}" + (", an entry added halfway" if kind == "change" else "")
        )
        add_entry = entry_poster(url, server.token, slug) if kind == "change" else None
        runs[kind] = crowd(
            live, connections=connections, period=period, seconds=seconds, add_entry=add_entry
        )
        result, change = runs[kind]
        progress(
            f"  {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
            f"{result.socket_errors} socket errors"
            + (f"; {_change_text(change)}" if change else "")
        )
    common = {"server": name, "viewers": viewers, "connections": connections, "period_s": period}
    common["target_rps"] = rate
    (steady, _), (changed, change) = runs["steady"], runs["change"]
    return [
        Row(
            "public",
            f"{name}: {who} polling live.json ({entries} entries) every {period:g} s, "
            f"{seconds:g} s",
            _crowd_text(steady, rate),
            goal=f"p99 < {GOAL_P99_MS} ms, all served",
            ok=_served(steady, rate) and steady.p99_ms < GOAL_P99_MS,
            data={**steady.as_dict(), **common},
        ),
        Row(
            "public",
            "  the same with an entry added halfway (each viewer fetches it once)",
            _crowd_text(changed, rate),
            data={**changed.as_dict(), **common},
        ),
        Row(
            "public",
            "  that entry: from the POST's answer to a GET that has it",
            _change_text(change),
            goal=f"next poll, < {poll:g} s",
            ok=not change.error and change.visible_ms < poll * 1000 and change.post_ms < 1000,
            data={
                **common,
                "post_ms": round(change.post_ms, 1),
                "visible_after_post_ms": None if change.error else round(change.visible_ms, 1),
                "gets_until_visible": change.gets,
                "error": change.error,
            },
        ),
    ]


def _served(result: WrkResult, rate: float) -> bool:
    return result.rps >= 0.9 * rate and not result.socket_errors


def _crowd_text(result: WrkResult, rate: float) -> str:
    return (
        f"{result.rps:,.0f} of {rate:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms, {result.socket_errors} errors"
    )


def _change_text(change: Change) -> str:
    return change.error or (
        f"{change.visible_ms:,.0f} ms, GET #{change.gets} (the POST took {change.post_ms:,.0f} ms)"
    )


def capacity(viewers: int) -> int:
    """How many connections wrk and the server can each hold: the open-files hard limit, less
    a margin for everything else they keep open. Raises this process's soft limit (servers it
    starts afterwards inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return min(viewers, hard - 200)


PATIENCE = 300  # seconds the watcher waits for the POST, then for the entry to show


@dataclass(frozen=True)
class Change:
    post_ms: float  # the POST's own answer time
    visible_ms: float  # from the POST's answer to the first GET that has the entry
    gets: int  # GETs it took: 1 means the very next poll had it
    error: str = ""  # what went wrong instead (the times are then inf)


def crowd(
    url: str, *, connections: int, period: float, seconds: float, add_entry=None
) -> tuple[WrkResult, Change | None]:
    """Run the crowd for `seconds`; with `add_entry`, add an entry halfway and time it."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"the load generator only targets 127.0.0.1, not {url}")
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install wrk (or run `make bench`)")
    etag = httpx.get(url, headers={"Accept-Encoding": "gzip"}, timeout=30).headers["ETag"]
    change: list[Change | None] = [None]
    watcher = threading.Thread(
        target=lambda: add_entry and change.append(_watch(url, seconds / 2, add_entry))
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(SCRIPT)
        script.flush()
        args = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
        args += ["-s", script.name, url, "--", str(int(period * 1000))]
        args += [str(connections // THREADS), etag]
        watcher.start()
        try:
            done = subprocess.run(
                args, capture_output=True, text=True, check=True, preexec_fn=_raise_limit
            )
        finally:
            watcher.join()
    return parse(done.stdout), change[-1]


def _raise_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _watch(url: str, change_at: float, add_entry) -> Change:
    """Add the entry, then GET until it shows (every 10 ms: the first GET is the next poll)."""
    time.sleep(change_at)
    began = time.perf_counter()
    try:
        entry_id = add_entry()
    except (httpx.HTTPError, RuntimeError) as exc:
        waited = (time.perf_counter() - began) * 1000
        return Change(waited, float("inf"), 0, f"the POST failed after {waited:,.0f} ms: {exc!r}")
    answered = time.perf_counter()
    with httpx.Client(timeout=PATIENCE) as client:
        gets = 0
        while time.perf_counter() - answered < PATIENCE:
            gets += 1
            if any(e["id"] == entry_id for e in client.get(url).json()["entries"]):
                seen = time.perf_counter()
                return Change((answered - began) * 1000, (seen - answered) * 1000, gets)
            time.sleep(0.01)
    return Change((answered - began) * 1000, float("inf"), gets, f"not there after {PATIENCE} s")


def entry_poster(base_url: str, token: str, slug: str):
    """add_entry for `crowd`: a public entry through the REST API, as a responder writes one."""

    def add() -> int:
        reply = httpx.post(
            f"{base_url}/api/v1/incidents/{slug}/timeline",
            json={
                "body": f"Update from the bench at {time.strftime('%H:%M:%S')} (pid {os.getpid()})."
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=PATIENCE,
        )
        if reply.status_code != 201:
            raise RuntimeError(f"adding an entry failed: {reply.status_code} {reply.text}")
        return reply.json()["id"]

    return add
