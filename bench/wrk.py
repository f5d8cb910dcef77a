"""Run wrk against this machine and read its report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from urllib.parse import urlsplit

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_responses: int  # wrk's "Non-2xx or 3xx responses"
    socket_errors: int  # connect, read and write errors and timeouts (no answer within 2 s)
    timeouts: int
    extra: dict = field(default_factory=dict)  # what a caller measured alongside

    def as_dict(self) -> dict:
        return {
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "requests": self.requests,
            "bad_responses": self.bad_responses,
            "socket_errors": self.socket_errors,
            "timeouts": self.timeouts,
            **self.extra,
        }


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse(output: str) -> WrkResult:
    def find(pattern: str) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"no {pattern!r} in wrk's output:\n{output}")
        return match.group(1)

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        rps=float(find(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)")),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)")),
        requests=int(find(r"^\s+(\d+) requests in")),
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        timeouts=int(errors.group(4)) if errors else 0,
    )


def wrk(url: str, *, seconds: float, headers: dict[str, str] | None = None) -> WrkResult:
    """`wrk -t2 -c50 --latency` for `seconds`; refuses any host but this machine's loopback."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"the load generator only targets 127.0.0.1, not {url}")
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install wrk (or run `make bench`)")
    args = ["wrk", "-t2", "-c50", f"-d{seconds:g}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    done = subprocess.run([*args, url], capture_output=True, text=True, check=True)
    return parse(done.stdout)
