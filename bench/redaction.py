"""Issue 3's numbers: precision and recall on the labelled sets, and throughput per core of
roster + shapes (goal ≥ 5 MB/s) and of the whole redactor with people not on the roster."""

from __future__ import annotations

import time

from bench.common import Row, progress
from warroom.redaction.engine import Context, Redactor
from warroom.redaction.engine.evaluate import load_dataset, load_roster
from warroom.redaction.engine.evaluate import run as evaluate
from warroom.redaction.engine.lexicon import lexicon

GOAL_MB_S = 5.0


def _throughput(redactor: Redactor, texts: list[str]) -> float:
    size = sum(len(t.encode()) for t in texts)
    started = time.perf_counter()
    for text in texts:
        redactor.redact(text)
    return size / (time.perf_counter() - started) / 1e6


def run(*, copies: int) -> list[Row]:
    progress("redaction: evaluation sets and throughput")
    rows = []
    for name in ("dev", "heldout"):
        report = evaluate(name).tallies
        roster, off, overall = (
            report["PERSON (roster)"],
            report["PERSON (not on roster)"],
            report["ALL"],
        )
        email, handle = report["EMAIL"], report["HANDLE"]
        checks = [
            ("roster people recall", roster.recall, 0.99),
            ("e-mail recall", email.recall, 0.99),
            ("handle recall", handle.recall, 0.99),
            ("people not on the roster recall", off.recall, 0.90),
            ("precision, all labels", overall.precision, 0.95),
        ]
        for label, value, goal in checks:
            rows.append(
                Row("redaction", f"{name}: {label}", f"{value:.3f}", f"≥ {goal}", value >= goal)
            )
    lexicon()
    texts = [e["text"] for n in ("dev", "heldout") for e in load_dataset(n)] * copies
    people = load_roster()
    full = Redactor(Context(people=people))
    shapes_and_roster = Redactor(Context(people=people))
    shapes_and_roster.names.find = lambda text: iter(())  # the cost without unknown names
    fast = _throughput(shapes_and_roster, texts)
    rows.append(
        Row(
            "redaction",
            "throughput, roster + e-mails/handles/phones, one core",
            f"{fast:.1f} MB/s",
            f"≥ {GOAL_MB_S} MB/s",
            fast >= GOAL_MB_S,
        )
    )
    whole = _throughput(full, texts)
    rows.append(
        Row("redaction", "throughput, + people not on the roster, one core", f"{whole:.1f} MB/s")
    )
    return rows
