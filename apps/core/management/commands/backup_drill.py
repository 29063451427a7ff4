"""manage.py backup_drill: dump the database, restore the dump into a scratch database, compare.

The drill an operator runs after changing backups (and a cron can run weekly):

1. `pg_dump --format=custom` of the database Django uses, to `--file` (default var/backups/…);
2. a scratch database `<name>_restore_check` is created and the dump restored into it with
   `pg_restore --no-owner --exit-on-error`;
3. every table of the source schema is counted in both, exactly (`count(*)`), and the two compared;
4. the scratch database is dropped (unless `--keep`).

It prints one line a table that differs and a summary, and exits 1 when anything differs or a step
fails, so a backup that cannot be restored is found by the drill, not on the day it is needed.
The dump file stays where it was written: that is the backup.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql


def _libpq_env(db: dict) -> dict[str, str]:
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _conninfo(db: dict, name: str) -> str:
    parts = {"dbname": name, "host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER")}
    parts["password"] = db.get("PASSWORD")
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def table_counts(conninfo: str) -> dict[str, int]:
    """Exact row counts of every ordinary and partitioned table in the public schema."""
    with psycopg.connect(conninfo) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                "ORDER BY c.relname"
            )
        ]
        return {
            t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0] for t in tables
        }


class Command(BaseCommand):
    help = "Dump the database, restore it into a scratch database and compare every table's rows."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="where to write the dump (default var/backups/<db>-<UTC time>.dump)")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database for inspection")

    def handle(self, *args, file=None, keep=False, **options):
        for tool in ("pg_dump", "pg_restore"):
            if not shutil.which(tool):
                raise CommandError(f"{tool} is not installed (Debian: postgresql-client)")
        db = connection.settings_dict
        name = db["NAME"]
        scratch = f"{name}_restore_check"[:63]
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(file) if file else Path(settings.VAR_DIR) / "backups" / f"{name}-{stamp}.dump"
        target.parent.mkdir(parents=True, exist_ok=True)
        env = _libpq_env(db)

        self._run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", name], env, "pg_dump")
        self.stdout.write(f"dump: {target} ({target.stat().st_size:,} bytes)")
        admin = _conninfo(db, "postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        try:
            self._run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={scratch}", str(target)], env, "pg_restore"
            )
            source, restored = table_counts(_conninfo(db, name)), table_counts(_conninfo(db, scratch))
        finally:
            if not keep:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
        differ = sorted(t for t in source.keys() | restored.keys() if source.get(t) != restored.get(t))
        for table in differ:
            self.stdout.write(f"DIFFERS {table}: source {source.get(table)}, restored {restored.get(table)}")
        rows = sum(source.values())
        if differ:
            raise CommandError(f"restore check failed: {len(differ)} of {len(source)} tables differ")
        self.stdout.write(self.style.SUCCESS(f"restore check passed: {len(source)} tables, {rows:,} rows identical"))

    def _run(self, argv: list[str], env: dict[str, str], what: str) -> None:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise CommandError(f"{what} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
