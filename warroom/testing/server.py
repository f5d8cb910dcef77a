"""A real `warroom serve` process on a free port, for end-to-end tests and benchmarks.

It gets its own WARROOM_HOME and, on PostgreSQL, its own fresh database, so it never shares
state with the test run that started it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

WARROOM = str(Path(sys.executable).parent / "warroom")


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    env: dict[str, str]  # what a CLI call against this server needs
    process: subprocess.Popen

    def cli(
        self, *args: str, input: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        """Run the real `warroom` command against this server."""
        return subprocess.run(
            [WARROOM, *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def fresh_postgres_database(base_url: str) -> Iterator[str]:
    """Create an empty database next to the one in base_url; drop it afterwards."""
    name = f"warroom_e2e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _server_env(home: str, database_url: str | None, extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env["WARROOM_HOME"] = home
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"warroom serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"warroom serve did not answer at {url} within {timeout} s")


@contextlib.contextmanager
def running_server(
    *, database_url: str | None = None, serve_args: tuple[str, ...] = (), env: dict | None = None
) -> Iterator[Server]:
    """Migrate, create a responder `alice` with a token, serve; stop and clean up afterwards."""
    home = tempfile.mkdtemp(prefix="warroom-e2e-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_env = _server_env(home, database_url, {"WARROOM_PUBLIC_URL": url, **(env or {})})

    def run(*args: str) -> str:
        done = subprocess.run([WARROOM, *args], env=server_env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"warroom {' '.join(args)} failed: {done.stderr}")
        return done.stdout.strip()

    run("migrate")
    run("createuser", "alice", "--email", "alice@example.com", "--name", "Alice Chen")
    token = run("token", "create", "alice")
    log = open(Path(home) / "serve.log", "w")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(
        [WARROOM, "serve", "--port", str(port), *serve_args], env=server_env, stdout=log, stderr=log
    )
    try:
        wait_until_up(url, process)
        client_env = {**server_env, "WARROOM_URL": url, "WARROOM_TOKEN": token}
        client_env["WARROOM_CONFIG"] = str(Path(home) / "cli-config.json")
        yield Server(url=url, token=token, env=client_env, process=process)
    finally:
        stop(process)
        log.close()
        if sys.exc_info()[0] is None:  # keep the log of a failed run to read
            shutil.rmtree(home, ignore_errors=True)
