"""The one settings module. Every value comes from the environment through `warroom.lib.env`;
`.env.example` lists each variable with a one-line comment."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ

from warroom.lib import env

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(env.string("WARROOM_HOME", "var")).expanduser().resolve()
HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """WARROOM_SECRET_KEY, or a key generated once and kept in WARROOM_HOME (embedded default)."""
    key = env.string("WARROOM_SECRET_KEY")
    if key:
        return key
    path = HOME / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.boolean("WARROOM_DEBUG", False)
PORT = env.integer("WARROOM_PORT", 8000, minimum=1)
PUBLIC_URL = env.url("WARROOM_PUBLIC_URL", f"http://127.0.0.1:{PORT}")
ALLOWED_HOSTS = env.strings("WARROOM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
ALLOWED_HOSTS.append(urlsplit(PUBLIC_URL).hostname or "127.0.0.1")
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "warroom.accounts",
    "warroom.incidents",
    "warroom.timeline",
    "warroom.impact",
    "warroom.redaction",
    "warroom.trackers",
    "warroom.comms",
    "warroom.subscribers",
    "warroom.playbooks",
    "warroom.publicpage",
    "warroom.dashboard",
    # Only migrations: their models moved to the apps above (docs/architecture.md).
    "warroom.legacy.blameless",
    "warroom.legacy.postmortem",
    "warroom.legacy.records",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "warroom.urls"
WSGI_APPLICATION = "warroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = env.string("DATABASE_URL")
    if not url:
        url = f"sqlite:///{HOME / 'warroom.sqlite3'}"
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for a bad URL
        raise env.ConfigError(f"DATABASE_URL={url!r} cannot be used: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer writes; IMMEDIATE makes writers queue on the
        # busy timeout instead of failing with "database is locked" when they upgrade a read.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config.setdefault("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache() -> dict:
    """Public pages are cached and invalidated on change. One process may use its own memory;
    several web processes must share a cache (WARROOM_CACHE_URL=redis://…) or they would serve
    stale pages."""
    url = env.string("WARROOM_CACHE_URL")
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "warroom",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    try:
        return environ.Env.cache_url_config(url)
    except Exception as exc:
        raise env.ConfigError(f"WARROOM_CACHE_URL={url!r} cannot be used: {exc}") from exc


CACHES = {"default": _cache()}
SHARED_CACHE = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/dashboard/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/dashboard/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package; `collectstatic` is optional

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PUBLIC_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The war-room conference link (G1): a provider makes one per incident.
CONFERENCE_PROVIDER = env.string("WARROOM_CONFERENCE_PROVIDER", "jitsi")
CONFERENCE_BASE_URL = env.url("WARROOM_CONFERENCE_BASE_URL", "https://meet.jit.si")
# Background work: the Django Tasks API (django-tasks) on the database queue, so a task enqueued
# in a transaction is committed with it. `warroom worker` (or `warroom serve`) runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _email() -> dict:
    """EMAIL_URL in django-environ's form: smtp://user:pass@host:587, smtp+tls://…, smtp+ssl://…"""
    url = env.string("EMAIL_URL")
    if not url:
        return {}  # the e-mail channel says it is not configured
    try:
        return environ.Env.email_url_config(url)
    except Exception as exc:
        raise env.ConfigError(f"EMAIL_URL={url!r} cannot be used: {exc}") from exc


_email_config = _email()
EMAIL_CONFIGURED = bool(_email_config)
EMAIL_BACKEND = _email_config.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = _email_config.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email_config.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email_config.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email_config.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email_config.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email_config.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.integer("WARROOM_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.string("WARROOM_EMAIL_FROM", "warroom@localhost")
# Delivery: retries with exponential backoff and jitter until this many seconds have passed.
DELIVERY_GIVE_UP_SECONDS = env.integer("WARROOM_DELIVERY_GIVE_UP_SECONDS", 3600, minimum=1)
DELIVERY_FIRST_RETRY_SECONDS = env.integer("WARROOM_DELIVERY_FIRST_RETRY_SECONDS", 10, minimum=1)
# How long a worker may take to send one message; past it, the message counts as lost with its
# worker and another worker may try.
DELIVERY_LEASE = timedelta(seconds=env.integer("WARROOM_DELIVERY_LEASE_SECONDS", 120, minimum=1))
# A due message whose task has not run this long is enqueued again (its task was lost).
DELIVERY_LOST_AFTER = timedelta(
    seconds=env.integer("WARROOM_DELIVERY_LOST_AFTER_SECONDS", 300, minimum=1)
)

# Channels. Their URLs are set by operators, so they are not under the webhook guard; the
# *_API_URL settings exist for API-compatible services, proxies and the tests' local fakes.
# Slack: an incoming webhook, or a bot token and channel for chat.postMessage (preferred if set).
SLACK_WEBHOOK_URL = env.string("WARROOM_SLACK_WEBHOOK_URL")
SLACK_BOT_TOKEN = env.string("WARROOM_SLACK_BOT_TOKEN")
SLACK_CHANNEL = env.string("WARROOM_SLACK_CHANNEL")
SLACK_API_URL = env.url("WARROOM_SLACK_API_URL", "https://slack.com/api")
# Mattermost: an incoming webhook.
MATTERMOST_WEBHOOK_URL = env.url("WARROOM_MATTERMOST_WEBHOOK_URL")
# X: the four OAuth 1.0a user-context keys of the account that posts (tweepy).
X_CONSUMER_KEY = env.string("WARROOM_X_CONSUMER_KEY")
X_CONSUMER_SECRET = env.string("WARROOM_X_CONSUMER_SECRET")
X_ACCESS_TOKEN = env.string("WARROOM_X_ACCESS_TOKEN")
X_ACCESS_TOKEN_SECRET = env.string("WARROOM_X_ACCESS_TOKEN_SECRET")
X_API_URL = env.url("WARROOM_X_API_URL", "https://api.twitter.com")
# Mastodon: the instance and an access token with the write:statuses scope (Mastodon.py).
MASTODON_URL = env.url("WARROOM_MASTODON_URL")
MASTODON_ACCESS_TOKEN = env.string("WARROOM_MASTODON_ACCESS_TOKEN")
MASTODON_VISIBILITY = env.string("WARROOM_MASTODON_VISIBILITY", "public")
# Bluesky: the account's handle and an app password (atproto), on this PDS.
BLUESKY_HANDLE = env.string("WARROOM_BLUESKY_HANDLE")
BLUESKY_APP_PASSWORD = env.string("WARROOM_BLUESKY_APP_PASSWORD")
BLUESKY_SERVICE_URL = env.url("WARROOM_BLUESKY_SERVICE_URL", "https://bsky.social")
# Issue trackers for the outage issue (G9, docs/trackers.md): GitLab through python-gitlab,
# GitHub (or GitHub Enterprise: https://HOST/api/v3) through PyGithub.
GITLAB_URL = env.url("WARROOM_GITLAB_URL", "https://gitlab.com")
GITLAB_TOKEN = env.string("WARROOM_GITLAB_TOKEN")
GITLAB_PROJECT = env.string("WARROOM_GITLAB_PROJECT")
GITHUB_TOKEN = env.string("WARROOM_GITHUB_TOKEN")
GITHUB_REPO = env.string("WARROOM_GITHUB_REPO")
GITHUB_API_URL = env.url("WARROOM_GITHUB_API_URL", "https://api.github.com")
# Webhook URLs may point at private, loopback or link-local addresses (tests, closed networks).
ALLOW_PRIVATE_WEBHOOKS = env.boolean("WARROOM_ALLOW_PRIVATE_WEBHOOKS", False)


def _support_channel() -> str:
    """Where support briefings go (G15): email:ADDRESS, slack or mattermost (their configured
    destination); unset: e-mail to the incident's support role holder. Never a public channel."""
    value = env.string("WARROOM_SUPPORT_CHANNEL").strip()
    channel, _, address = value.partition(":")
    if value and not (value in ("slack", "mattermost") or (channel == "email" and "@" in address)):
        raise env.ConfigError(
            f"WARROOM_SUPPORT_CHANNEL={value!r}: use email:support@example.com, slack or "
            "mattermost, or leave it unset to e-mail the incident's support role holder"
        )
    return value


SUPPORT_CHANNEL = _support_channel()

# Redaction: texts that are never names (product names) and texts that always are.
REDACTION_ALLOW = env.strings("WARROOM_REDACTION_ALLOW")
REDACTION_DENY = env.strings("WARROOM_REDACTION_DENY")
# The playbook new incidents follow (a YAML file); the one shipped with warroom when unset.
PLAYBOOK_PATH = env.string("WARROOM_PLAYBOOK")
# A folder of Jinja2 templates that replace the shipped ones of the same name (the post-mortem's
# postmortem.md.j2, the write-ups'): an organisation's own wording without touching the code.
TEMPLATES_DIR = env.string("WARROOM_TEMPLATES_DIR")
# Seconds between scheduler passes (reminders, escalations, timed steps).
SCHEDULER_SECONDS = env.integer("WARROOM_SCHEDULER_SECONDS", 5, minimum=1)
# How often the public page polls live.json, in seconds.
LIVE_POLL_SECONDS = env.integer("WARROOM_LIVE_POLL_SECONDS", 10, minimum=1)
# The public status page's name, as machine-readable views (the Statuspage JSON) give it.
PAGE_NAME = env.string("WARROOM_PAGE_NAME", "Service status")
# The static copy of the public side, written after every public change (and by `warroom
# publish`): a folder, and/or an S3-compatible bucket as s3://bucket/prefix (boto3's settings:
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL for other S3 services).
STATIC_EXPORT_DIR = env.string("WARROOM_STATIC_EXPORT_DIR")
STATIC_EXPORT_S3_URL = env.string("WARROOM_STATIC_EXPORT_S3_URL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("WARROOM_LOG_LEVEL", "WARNING")},
}
