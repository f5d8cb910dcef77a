"""Settings for the test suite: the real settings, in a throwaway WARROOM_HOME, with a fast
password hasher. DATABASE_URL picks SQLite (default) or PostgreSQL, as in production."""

import os
import tempfile

os.environ.setdefault("WARROOM_HOME", tempfile.mkdtemp(prefix="warroom-test-"))

from warroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests move the clock (time-machine); a connection must not look too old and be closed under a
# test's open transaction.
DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
