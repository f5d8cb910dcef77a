"""Runs the delivery tasks: django-tasks-db's worker loop, inside `warroom worker` or, in the
embedded default, in a thread of the web process."""

from __future__ import annotations

import os
import socket
import threading

from django_tasks_db.management.commands.db_worker import Worker


def make_worker(*, interval: float = 1.0, batch: bool = False) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"[:64],
        excluded_queue_names=[],
    )


def run_pending() -> None:
    """Run every task that is ready now, then return (tests, `warroom worker --once`)."""
    make_worker(interval=0, batch=True).run()


def start_in_background(*, interval: float = 1.0) -> Worker:
    worker = make_worker(interval=interval)
    threading.Thread(target=worker.run, name="warroom-delivery", daemon=True).start()
    return worker
