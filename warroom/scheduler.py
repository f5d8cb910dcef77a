"""Runs the timed steps: `warroom worker` in production (any number at once), or a thread inside
`warroom serve` in the embedded default."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from warroom.comms import services as outbox
from warroom.playbooks import engine

log = logging.getLogger("warroom.scheduler")


def run(stop: threading.Event, *, every: float) -> None:
    """Tick until `stop` is set. A failing pass is logged and retried on the next one."""
    while not stop.is_set():
        close_old_connections()
        try:
            engine.tick()
            outbox.requeue_lost()
        except Exception:  # keep the scheduler alive; the next pass retries
            log.exception("scheduler pass failed")
        stop.wait(every)


def start_in_background(*, every: float) -> threading.Event:
    stop = threading.Event()
    threading.Thread(
        target=run, args=(stop,), kwargs={"every": every}, name="warroom-scheduler", daemon=True
    ).start()
    return stop
