"""Is the test PostgreSQL server there? Exit 0: yes. Exit 3: no, skip the PostgreSQL run.
Under CI=true a missing server is a failure (exit 1): CI must test on PostgreSQL."""

from __future__ import annotations

import os
import sys

import psycopg


def main(url: str) -> int:
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return 0
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if os.environ.get("CI") == "true":
            print(
                f"PostgreSQL at {url} does not answer ({reason}); CI must run the PostgreSQL tests."
            )
            return 1
        print(f"SKIPPED the PostgreSQL run: no server answers at {url} ({reason}).")
        print("Start one or set WARROOM_TEST_DATABASE_URL to run the suite on PostgreSQL too.")
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
