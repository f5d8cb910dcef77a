"""Issue 6, the ceiling: the static copy of the public side (`export.publish` into a folder,
timed in full and after one new entry) served by nginx, with the same wrk as `warroom serve`.

nginx runs as a child process on a free port with a generated minimal configuration (its pid
file, logs and temp files in a temp folder, no access log, `worker_processes auto`).

    python -m bench.static SLUG DIR   (with WARROOM_HOME / DATABASE_URL set): the export
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import Row, progress
from bench.history import note
from bench.throughput import Target, measure
from bench.wrk import WrkResult
from warroom.testing.server import Server, free_port, stop

CONFIG = """
daemon off;
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 20000; }}
http {{
    types {{
        text/html html; application/json json; text/css css;
        application/javascript js; application/atom+xml atom; application/rss+xml rss;
    }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def run(
    server: Server,
    child,
    slug: str,
    served: dict[str, tuple[Target, WrkResult]],
    *,
    incidents: int,
    seconds: float,
    warmup: float,
) -> list[Row]:
    """Export into a temp folder, serve it with nginx, and wrk the targets `served` measured on
    `warroom serve` (healthz aside); `child` runs a module against the server's database."""
    folder = Path(tempfile.mkdtemp(prefix="warroom-bench-export-"))
    try:
        progress(f"public: static copy of {incidents} incidents (export.publish, in full)")
        result = child(server, "bench.static", slug, folder)
        written, unchanged = result["incremental_files"], result["incremental_unchanged"]
        rows = [
            Row(
                "public",
                f"static copy: full export of {incidents} incidents",
                f"{result['full_s']:.1f} s ({result['full_files']:,} files, "
                f"{result['bytes'] / 1e6:,.0f} MB)",
                data=result,
            ),
            Row(
                "public",
                "static copy: export after one new entry",
                f"{result['incremental_s'] * 1000:,.0f} ms ({written + unchanged} paths rendered, "
                f"{written} files written)",
                data=result,
            ),
        ]
        with serving(folder) as url:
            for key, (target, on_server) in served.items():
                if key in ("healthz", "page_plain"):  # this nginx does not compress: one page
                    continue
                progress(f"public: nginx, static {target.label} (wrk -t2 -c50 -d{seconds:g}s)")
                static = measure(url, target, seconds=seconds, warmup=warmup)
                rows.append(
                    Row(
                        "public",
                        f"nginx, static copy: {target.label}, wrk -t2 -c50",
                        f"{static.rps:,.0f} req/s, p99 {static.p99_ms:.1f} ms "
                        f"(warroom serve: {on_server.rps / static.rps:.2f} of it)",
                        data={**static.as_dict(), "path": target.path, "server": on_server.rps},
                    )
                )
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def serving(root: Path) -> Iterator[str]:
    """Serve `root` with nginx; yields the base URL."""
    if shutil.which("nginx") is None:
        raise RuntimeError("nginx is missing: apt-get install nginx (or run `make bench`)")
    root.chmod(0o755)  # nginx's workers run as nobody when started as root
    with tempfile.TemporaryDirectory(prefix="warroom-bench-nginx-") as tmp:
        port = free_port()
        config = Path(tmp) / "nginx.conf"
        config.write_text(CONFIG.format(tmp=tmp, port=port, root=root))
        log = Path(tmp) / "error.log"
        process = subprocess.Popen(
            ["nginx", "-c", str(config), "-p", tmp, "-e", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait(url, process, log)
            yield url
        finally:
            stop(process)


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}: {log.read_text()}")
        try:
            httpx.get(url + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not answer at {url} within {timeout} s")


# ---- the child process ----------------------------------------------------------------------


def export(slug: str, folder: str) -> dict:
    from django.contrib.auth import get_user_model

    from warroom.flows.entries import add_entry
    from warroom.incidents.models import Incident
    from warroom.publicpage import export

    into = export.Folder(folder)
    shown = [0]

    def advance(done: int, total: int) -> None:
        if done * 10 // total > shown[0]:
            shown[0] = done * 10 // total
            note(f"{done:,}/{total:,} files rendered")

    started = time.perf_counter()
    full = export.publish(into, progress=advance)
    full_s = time.perf_counter() - started
    add_entry(
        incident=Incident.objects.get(slug=slug),
        body="Error rates are back to normal; we keep watching.",
        author=get_user_model().objects.get(username="alice"),
    )
    started = time.perf_counter()
    incremental = export.publish(into)
    incremental_s = time.perf_counter() - started
    return {
        "full_s": round(full_s, 2),
        "full_files": len(full.written),
        "incremental_s": round(incremental_s, 3),
        "incremental_files": len(incremental.written),
        "incremental_unchanged": incremental.unchanged,
        "bytes": sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(export(sys.argv[1], sys.argv[2])))
