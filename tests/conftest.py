"""The standing cast: an owner (admin), a responder and an outsider, with API clients."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from warroom.testing.factories import make_incident, make_token, make_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker_keeps_the_test_connection(monkeypatch):
    """The worker drops stale connections between tasks, as a process of its own should; run in
    a test (`usefixtures`), it shares the test's connection and transaction, which must stay
    open."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and the settings that send to it."""
    from warroom.testing.fakes.smtp import SMTPSink

    with SMTPSink() as sink:
        settings.EMAIL_CONFIGURED = True
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        yield sink


@pytest.fixture
def owner(db):
    return make_user("owner", name="Olivia Owner", admin=True)


@pytest.fixture
def responder(db):
    return make_user("alice", name="Alice Chen")


@pytest.fixture
def outsider(db):
    return make_user("mallory", name="Mallory Outsider", responder=False)


class ApiClient(Client):
    """A test client that sends a bearer token and JSON."""

    def __init__(self, token: str | None):
        super().__init__(HTTP_HOST="127.0.0.1")
        self.token = token

    def call(self, method: str, path: str, data=None, **extra):
        if self.token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return getattr(self, method)(
            f"/api/v1{path}", data=data, content_type="application/json", **extra
        )


@pytest.fixture
def api(responder):
    return ApiClient(make_token(responder))


@pytest.fixture
def outsider_api(outsider):
    return ApiClient(make_token(outsider))


@pytest.fixture
def anonymous_api():
    return ApiClient(None)


def client_for(user=None) -> Client:
    """A browser-like client for the dashboard, logged in as `user` when given."""
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def alice(responder):
    return client_for(responder)


@pytest.fixture
def public_client():
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def incident(responder):
    return make_incident(by=responder, commander="alice")


def _database_url() -> str | None:
    import os

    return os.environ.get("DATABASE_URL")


@pytest.fixture(scope="session")
def on_postgres() -> bool:
    return (_database_url() or "").startswith("postgres")


@pytest.fixture(scope="module")
def server():
    """A real `warroom serve` process with its own database (a fresh one on PostgreSQL)."""
    from warroom.testing.server import fresh_postgres_database, running_server

    url = _database_url()
    if url and url.startswith("postgres"):
        with fresh_postgres_database(url) as fresh, running_server(database_url=fresh) as srv:
            yield srv
    else:
        with running_server() as srv:
            yield srv


@pytest.fixture(autouse=True)
def _fresh_parsed_playbooks():
    """Parsed playbooks are kept per row id, which a rolled-back test database hands out again."""
    from warroom.playbooks import engine

    engine._parsed.clear()


@pytest.fixture(autouse=True)
def _fresh_local_renderings():
    from warroom.lib import publiccache
    from warroom.projection import memos

    memos.records.clear()  # a flushed test database hands its ids out again
    memos.entries.clear()
    publiccache._local.clear()
    publiccache._local_generation = 0
    yield
    publiccache._local.clear()
