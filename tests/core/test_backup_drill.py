"""The backup drill restores a real dump into a scratch database and compares every table."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.management.commands import backup_drill
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_drill_dumps_restores_and_finds_every_row(tmp_path, capsys):
    factories.make_client(code="drill-brand", name="演练品牌")
    dump = tmp_path / "tideline.dump"
    call_command("backup_drill", file=str(dump))
    out = capsys.readouterr().out
    assert dump.stat().st_size > 0
    assert "restore check passed" in out


@pytest.mark.django_db(transaction=True)
def test_drill_fails_when_the_restore_lacks_rows(tmp_path, monkeypatch):
    real = backup_drill.table_counts
    calls = []

    def counts_with_a_lost_row(conninfo):
        counts = real(conninfo)
        calls.append(conninfo)
        if len(calls) == 2:  # the restored copy
            counts["clients_client"] -= 1
        return counts

    factories.make_client(code="drill-brand", name="演练品牌")
    monkeypatch.setattr(backup_drill, "table_counts", counts_with_a_lost_row)
    with pytest.raises(CommandError, match="1 of .* tables differ"):
        call_command("backup_drill", file=str(tmp_path / "t.dump"))
