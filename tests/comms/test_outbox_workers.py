"""A worker killed with SIGKILL in the middle of a fan-out: every subscriber still gets the
update (at least once), from real `warroom worker` processes against a real server's database."""

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from warroom.testing.server import WARROOM, fresh_postgres_database, running_server

SUBSCRIBERS = 60


class SlowReceiver:
    def __init__(self):
        self.ids: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(0.05)  # a slow receiver, so the kill lands mid-fan-out
                receiver.ids.append(self.headers["webhook-id"])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def deployment():
    env = {"WARROOM_ALLOW_PRIVATE_WEBHOOKS": "1", "WARROOM_DELIVERY_LEASE_SECONDS": "3"}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        with (
            fresh_postgres_database(url) as fresh,
            running_server(database_url=fresh, serve_args=("--no-scheduler",), env=env) as server,
        ):
            yield server
    else:
        with running_server(serve_args=("--no-scheduler",), env=env) as server:
            yield server


def _worker(server) -> subprocess.Popen:
    return subprocess.Popen(
        [WARROOM, "worker", "--every", "1"],
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.server
def test_every_subscriber_gets_the_update_though_a_worker_is_killed(deployment):
    receiver = SlowReceiver()
    api = httpx.Client(
        base_url=deployment.url, headers={"Authorization": f"Bearer {deployment.token}"}, timeout=30
    )
    for n in range(SUBSCRIBERS):
        assert (
            api.post(
                "/api/v1/subscribers", json={"address": f"{receiver.base}/hook/{n}"}
            ).status_code
            == 201
        )
    slug = api.post(
        "/api/v1/incidents", json={"title": "Checkout errors", "severity": "S3"}
    ).json()["slug"]
    api.post(
        f"/api/v1/incidents/{slug}/status",
        json={"status": "identified", "message": "A disk is full."},
    )
    first = _worker(deployment)
    deadline = time.monotonic() + 30
    while len(receiver.ids) < SUBSCRIBERS // 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert len(set(receiver.ids)) < SUBSCRIBERS, "the worker finished before it was killed"
    second = _worker(deployment)

    def updates() -> list[dict]:
        return [
            m for m in api.get(f"/api/v1/incidents/{slug}/messages").json() if m["kind"] == "update"
        ]

    try:
        # The messages claimed by the killed worker stay leased until their lease runs out (3 s
        # here); then the second worker sends them.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and {m["state"] for m in updates()} != {"sent"}:
            time.sleep(0.5)
    finally:
        second.terminate()
        second.wait(timeout=10)
    assert len(updates()) == SUBSCRIBERS
    assert {m["state"] for m in updates()} == {"sent"}
    assert len(set(receiver.ids)) == SUBSCRIBERS  # every subscriber, at least once
    # Sent but not yet recorded at the kill (the batch writes its outcomes every few messages):
    # sent again, once. Receivers drop them by their webhook-id.
    assert max(Counter(receiver.ids).values()) <= 2
    receiver.server.shutdown()
