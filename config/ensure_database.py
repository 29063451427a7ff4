"""python -m config.ensure_database: create the database DATABASE_URL names if it does not exist.

With no DATABASE_URL the embedded server is started and its database created instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse


def main() -> int:
    url = os.environ.get("DATABASE_URL")
    if not url:
        from config.embedded_db import embedded_database_url

        print("embedded Postgres:", embedded_database_url(Path(__file__).resolve().parent.parent))
        return 0
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    try:
        with psycopg.connect(
            urlunparse(parsed._replace(path="/postgres")), autocommit=True, connect_timeout=10
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}")
    except psycopg.OperationalError as exc:
        print(f"cannot reach the database server of DATABASE_URL: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
