"""Server verbs: they act on the database named by DATABASE_URL / WARROOM_HOME directly."""

from __future__ import annotations

import json
import os
import sys

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    from warroom.lib.env import ConfigError

    try:
        django.setup()
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None


def domain_errors(fn):
    """Run fn, turning a service's DomainError into a one-line CLI error."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from warroom.lib.errors import DomainError

        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None

    return wrapper


@click.command()
def migrate() -> None:
    """Create or update the database schema."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def _unapplied_migrations() -> list:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, envvar="WARROOM_PORT", default=8000, show_default=True)
@click.option("--workers", type=int, default=1, show_default=True, help="Web processes.")
@click.option("--threads", type=int, default=4, show_default=True, help="Threads per process.")
@click.option(
    "--backpressure",
    type=int,
    envvar="WARROOM_BACKPRESSURE",
    default=16_384,  # 10,000 viewers and room for the responders besides
    show_default=True,
    help="Connections each process holds at once; live pages keep theirs open between polls.",
)
@click.option(
    "--no-scheduler", is_flag=True, help="Leave timed playbook steps to `warroom worker` processes."
)
def serve(
    host: str, port: int, workers: int, threads: int, backpressure: int, no_scheduler: bool
) -> None:
    """Serve warroom over WSGI with granian."""
    os.environ["WARROOM_PORT"] = str(port)  # read by settings for the default public URL
    setup_django()
    from django.conf import settings
    from granian import Granian
    from granian.constants import Interfaces

    if _unapplied_migrations():
        raise click.ClickException("the database is not up to date; run `warroom migrate` first")
    if workers > 1 and not settings.SHARED_CACHE:
        raise click.ClickException(
            "several workers need a shared cache for the public pages; "
            "set WARROOM_CACHE_URL=redis://127.0.0.1:6379/0 (or run with --workers 1)"
        )
    from warroom.lib.errors import DomainError
    from warroom.playbooks.loader import current

    try:
        current()
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    # The scheduler runs inside the web process (warroom/wsgi.py), never in this parent: granian
    # forks its workers from here, and a database connection must not cross a fork.
    os.environ["WARROOM_EMBEDDED_SCHEDULER"] = "0" if no_scheduler else "1"
    from django.db import connections

    connections.close_all()
    _allow_open_files(backpressure)
    click.echo(f"warroom serving on http://{host}:{port}/ (public URL {settings.PUBLIC_URL})")
    sys.stdout.flush()
    Granian(
        "warroom.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        # granian's default holds as many requests as threads: 10,000 viewers polling live.json
        # were served at a fifth of their rate (docs/benchmarks.md).
        backpressure=backpressure,
        backlog=max(backpressure, 1024),  # and as many waiting to be accepted
        log_access=False,
    ).serve()


def _allow_open_files(connections: int) -> None:
    """Each connection is a file: raise this process's soft limit toward its hard limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 1024 if hard == resource.RLIM_INFINITY else min(hard, connections + 1024)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@click.command()
@click.argument("username")
@click.option("--email", required=True)
@click.option("--name", default="", help='Full name, e.g. "Alice Chen".')
@click.option("--admin", is_flag=True, help="May use /admin/ and manage users.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@domain_errors
def createuser(username, email, name, admin, password_stdin) -> None:
    """Create a responder (and their roster entry)."""
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from warroom.accounts.services import create_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise click.ClickException("password refused: " + " ".join(exc.messages)) from None
    create_user(username=username, email=email, name=name, admin=admin, password=password)
    hint = "" if password else " (no password: API tokens only until one is set in /admin/)"
    click.echo(f"Created {'admin' if admin else 'responder'} {username}{hint}")


@click.group()
def token() -> None:
    """Create, list and revoke API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
@domain_errors
def token_create(username, name) -> None:
    """Print a new token for USERNAME (and nothing else)."""
    setup_django()
    from warroom.accounts.services import create_token, get_user

    click.echo(create_token(user=get_user(username), name=name))


@token.command("list")
@click.argument("username", required=False)
def token_list(username) -> None:
    """List tokens (prefix, owner, last use)."""
    setup_django()
    from warroom.accounts.models import ApiToken

    tokens = ApiToken.objects.select_related("user")
    if username:
        tokens = tokens.filter(user__username=username)
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        click.echo(f"{t.prefix}…  {t.user.username:<16} {state:<18} last used {used}  {t.name}")


@token.command("revoke")
@click.argument("prefix")
def token_revoke(prefix) -> None:
    """Revoke the token whose listed prefix is PREFIX."""
    setup_django()
    from warroom.accounts.services import revoke_token

    if not revoke_token(prefix=prefix.rstrip("…")):
        raise click.ClickException(
            f"no active token starts with {prefix!r}; see `warroom token list`"
        )
    click.echo("Revoked.")


@click.command()
def demo() -> None:
    """Load demo data: an admin, a roster and an incident. Safe to run again."""
    setup_django()
    from django.conf import settings

    from warroom.demo import load_demo

    result = load_demo()
    click.echo(
        "Demo data loaded:"
        if result.created
        else "Demo data was already loaded; fresh credentials:"
    )
    click.echo(f"  Dashboard:  {settings.PUBLIC_URL}/dashboard/")
    click.echo(f"  Login:      {result.username} / {result.password}")
    click.echo(f"  API token:  export WARROOM_TOKEN={result.token}")
    click.echo(
        f"  Public page of the demo incident: {settings.PUBLIC_URL}/incidents/{result.slug}/"
    )


@click.command()
@click.option("--every", type=float, default=None, help="Seconds between scheduler passes.")
@click.option("--once", is_flag=True, help="Run what is due now, then exit.")
def worker(every, once) -> None:
    """Run the timed playbook steps and deliver messages. Safe to run several at once."""
    import signal
    import threading

    setup_django()
    from django.conf import settings

    from warroom import scheduler
    from warroom.comms import services as outbox
    from warroom.comms import worker as delivery
    from warroom.playbooks import engine

    if once:
        steps, lost = engine.tick(), outbox.requeue_lost()
        delivery.run_pending()
        click.echo(f"{steps} steps ran, {lost} lost deliveries enqueued again, deliveries done")
        return
    stop = threading.Event()
    tasks = delivery.make_worker()

    def shutdown(*_):
        stop.set()
        tasks.running = False

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, shutdown)
    interval = every or settings.SCHEDULER_SECONDS
    threading.Thread(
        target=scheduler.run, args=(stop,), kwargs={"every": interval}, daemon=True
    ).start()
    click.echo(
        f"warroom worker: scheduler pass every {interval:g} s, delivering messages (Ctrl-C to stop)"
    )
    tasks.run()


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-check", is_flag=True, help="Do not try to reach the configured channels.")
def channels(as_json: bool, no_check: bool) -> None:
    """Which channels are configured, and whether they answer."""

    setup_django()
    from warroom.comms.channels.registry import status

    rows = status(check=not no_check)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        if not row["configured"]:
            state, color = "not configured", "yellow"
        elif row["reachable"] is False:
            state, color = "unreachable", "red"
        else:
            state, color = "ready", "green"
        extra = f" — {row.get('reachability')}" if row["reachable"] is False else ""
        click.echo(
            f"{row['channel']:<12} "
            + click.style(f"{state:<15}", fg=color)
            + f" {row['detail']}{extra}"
        )


@click.command()
@click.option(
    "--to",
    "destinations",
    multiple=True,
    metavar="DIR|s3://BUCKET/PREFIX",
    help="Where to write (repeatable); default WARROOM_STATIC_EXPORT_DIR and _S3_URL.",
)
@click.option("--full", is_flag=True, help="Render every incident, not only what changed.")
@click.option("--json", "as_json", is_flag=True)
def publish(destinations, full, as_json) -> None:
    """Write the public side (pages, feeds, JSON) as static files; unchanged files stay as they are."""
    setup_django()
    from warroom.publicpage import export

    try:
        targets = [export.target(to) for to in destinations] or export.configured_targets()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    if not targets:
        raise click.UsageError(
            "nowhere to publish: give --to DIR or --to s3://bucket/prefix, or set "
            "WARROOM_STATIC_EXPORT_DIR / WARROOM_STATIC_EXPORT_S3_URL"
        )
    results = {}
    for into in targets:
        if as_json:
            report = export.publish(into, full=full)
        else:
            with click.progressbar(length=1, label=f"Publishing to {into.where}") as bar:

                def advance(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                report = export.publish(into, full=full, progress=advance)
            click.echo(
                f"{into.where}: {len(report.written)} file(s) written, {report.unchanged} unchanged"
                + (" (everything rendered)" if report.full else "")
            )
        results[into.where] = report.as_dict()
    if as_json:
        click.echo(json.dumps(results, indent=2))


COMMANDS = [migrate, serve, worker, channels, createuser, token, demo, publish]
