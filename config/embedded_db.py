"""Embedded PostgreSQL for a fresh machine: started from the pgserver wheel under var/pgdata.

Used only when DATABASE_URL is unset. The server keeps running between commands (it is shared by
manage.py, the test run and the dev server); `make stop-db` stops it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

DATABASE_NAME = "tideline"


def embedded_database_url(base_dir: Path) -> str:
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver  # imported lazily: production never loads it

    pgdata = base_dir / "var" / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return f"postgresql://postgres@/{DATABASE_NAME}?host={pgdata}"
