"""The file importer behind apps.conversations.services.import_run_execute: parse → mask → group by
conversation → timing → bulk write (COPY), all writes of a file in ONE transaction.

One file is one ImportRun. Reading happens outside the write transaction (so progress is visible);
all writes of a file happen in ONE transaction. Conversations go through COPY into a temporary table
and `INSERT … SELECT … ON CONFLICT DO NOTHING` on (store, platform conversation id); the messages of
conversations created by that statement cannot exist yet and are COPied straight into the table;
messages of conversations that already existed lose the ids already stored, then go through a
temporary table and `ON CONFLICT DO NOTHING` on (conversation, message id, sent_at) — the message
table is partitioned by month of `sent_at` and Postgres wants the partition key in a unique key
(apps.conversations.partitions). Never check-then-insert alone: a re-import writes 0 rows and two
importers racing on the same file cannot double-write.

A file with any rejected row imports nothing (the run FAILS with every error {row, field, reason});
with `skip_bad_rows` the good rows are imported and the rejects recorded. Raw PII never leaves
this module: contents and agent nicks are masked as they are read, buyers become HMAC pseudonyms,
and error messages quote masked values only.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _
from psycopg.copy import QueuedLibpqWriter

from apps.clients import selectors as clients_selectors
from apps.clients.choices import Platform
from apps.conversations.adapters import FileError, RowError, decode, get_adapter
from apps.conversations.adapters.base import shown
from apps.conversations.choices import MessageType, SenderRole
from apps.conversations.masking import MASK_PRECHECK as _MASK_PRECHECK
from apps.conversations.masking import mask_pii
from apps.conversations.models import ImportRun
from apps.conversations.partitions import message_partitions_for_range
from apps.conversations.pseudonyms import keyed_digest
from apps.conversations.timing import timing_from_columns
from apps.core.runs import run_progress

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 500
PROGRESS_EVERY = 100_000
COPY_CHUNK_ROWS = 20_000
_ROLES = frozenset(SenderRole.values)
_TYPES = frozenset(MessageType.values)
_PLATFORMS = frozenset(Platform.values)
NULL = "\\N"  # COPY text format's NULL
_COPY_SPECIAL = re.compile(r"[\\\t\n\r\x00]")
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""})


# What an id or a content must be checked for: PII (the masking pre-check, dodges included), or a
# character COPY's text format must escape.
_ID_CHECK = re.compile(rf"{_MASK_PRECHECK.pattern}|[\\\t\n\r\x00]")
_CONTENT_CHECK = _ID_CHECK


def _clean_id(value: str) -> str:
    """An id as stored: a keyed hash if it holds PII (a phone, ID, card or address), else itself; COPY-escaped.

    Masking an id to a token would collapse distinct ids into one, so the whole id is replaced."""
    if _MASK_PRECHECK.search(value) is not None and mask_pii(value).masked:
        return "pii-" + keyed_digest(value, 24)
    return value.translate(_COPY_ESCAPE) if _COPY_SPECIAL.search(value) is not None else value


def buyer_pseudonym(platform: str, buyer: str) -> str:
    """HMAC-SHA256(settings.TIDELINE_PSEUDONYM_KEY, platform + buyer), hex, first 16 characters."""
    return keyed_digest(platform + buyer, 16)


def error_row(row, field_name, reason) -> dict:
    return {"row": row, "field": field_name, "reason": str(reason)}


def shown_or_dash(value) -> str:
    return "—" if value is None else str(value)


# --- the importer ----------------------------------------------------------------------------------


class ImportCrashed(RuntimeError):
    """An import stopped by something other than bad input; its message is masked."""


class FileRejected(Exception):
    """The file (or a row of it) was rejected; the importer holds the errors."""


@dataclass
class ImportOutcome:
    rows_read: int
    conversations_imported: int
    messages_imported: int
    duplicates: int
    rejected: int
    errors: list[dict]
    sha256: str
    encoding: str
    pii_counts: dict[str, int] = field(default_factory=dict)
    phase_seconds: dict[str, float] = field(default_factory=dict)


class FileImporter:
    """Reads one file into columns (one list per field), then writes it in one transaction."""

    def __init__(self, *, run: ImportRun, path: Path, progress: Callable | None):
        self.run = run
        self.path = path
        self.progress = progress
        self.errors: list[dict] = []
        self.rejected = 0
        self.rows_read = 0
        self.sha256 = ""
        self.encoding = ""
        self.pii_counts: dict[str, int] = {}
        self.phase_seconds: dict[str, float] = {}
        self._lap_at = time.perf_counter()
        self.platform: str | None = None
        self.stores: dict[str, int | None] = {}
        self.store_clients: dict[int, int] = {}
        # per message
        self.m_row: list[int] = []
        self.m_id: list[str] = []
        self.m_epoch: list[float] = []
        self.m_role: list[str] = []
        self.m_type: list[str] = []
        self.m_content: list[str] = []
        self.m_agent: list[str] = []
        # per conversation
        self.conv_index: dict[tuple[int, str], int] = {}
        self.c_store: list[int] = []
        self.c_pcid: list[str] = []
        self.c_buyer: list[str] = []
        self.c_rows: list[list[int]] = []

    def _lap(self, phase: str | None = None) -> None:
        """Record the seconds since the previous lap under `phase` (phase_seconds, logged per run)."""
        now = time.perf_counter()
        if phase is not None:
            self.phase_seconds[phase] = round(self.phase_seconds.get(phase, 0.0) + now - self._lap_at, 3)
        self._lap_at = now

    # -- errors
    def reject(self, row, field_name, reason) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error_row(row, field_name, reason))

    def execute(self) -> ImportOutcome:
        try:
            self._lap()
            self._read()
            self._lap("read")
        except FileError as exc:
            self.reject(exc.error.row, exc.error.field, exc.error.reason)
            raise FileRejected from None
        if self.rejected and not self.run.skip_bad_rows:
            raise FileRejected
        self._group()
        self._lap("group")
        if self.rejected and not self.run.skip_bad_rows:
            raise FileRejected
        if not self.c_rows or not any(self.c_rows):
            self.reject(None, None, _("no message in the file could be imported"))
            raise FileRejected
        self._ensure_partitions()
        with transaction.atomic():
            with connection.cursor() as cur:
                # The import is idempotent and re-runnable: a crash right after COMMIT loses at most this
                # run's rows, never consistency, so the commit need not wait for the WAL flush.
                cur.execute("SET LOCAL synchronous_commit = off")
            new_conversations, inserted = self._write()
        self._lap("commit")
        return ImportOutcome(
            rows_read=self.rows_read,
            conversations_imported=new_conversations,
            messages_imported=inserted,
            duplicates=sum(len(rows) for rows in self.c_rows) - inserted,
            rejected=self.rejected,
            errors=self.errors,
            sha256=self.sha256,
            encoding=self.encoding,
            pii_counts=self.pii_counts,
            phase_seconds=self.phase_seconds,
        )

    # -- phase 1: read, validate, mask
    def _read(self) -> None:
        limit = settings.TIDELINE_MAX_UPLOAD_BYTES
        try:
            size = self.path.stat().st_size
        except OSError:
            raise FileError(_("cannot read %(file)s") % {"file": self.path.name}, field="file") from None
        if size > limit:
            raise FileError(
                _("%(size)s bytes is over the upload limit of %(limit)s bytes") % {"size": size, "limit": limit},
                field="file",
            )
        data = self.path.read_bytes()
        self.sha256 = hashlib.sha256(data).hexdigest()
        if not data.strip():
            raise FileError(_("the file is empty"), row=1, field="file")
        adapter = get_adapter(self.run.file_format)
        text, self.encoding = decode(data)
        del data
        total = text.count("\n") + 1
        run_progress(self.run, done=0, total=total)
        self._accept_all(adapter(text), total)
        if self.progress is not None:
            self.progress(total, total)
        clients = {self.store_clients[s] for s in set(self.c_store)}
        if len(clients) == 1:
            client_id = clients.pop()
            ImportRun.objects.filter(pk=self.run.pk).update(client_id=client_id)
            self.run.client_id = client_id

    def _store_id(self, platform: str, shop: str) -> int | None:
        try:
            return self.stores[shop]
        except KeyError:
            store = clients_selectors.store_and_client_id(platform=platform, shop_id=shop)
            self.stores[shop] = store[0] if store else None
            if store:
                self.store_clients[store[0]] = store[1]
            return self.stores[shop]

    def _check_platform(self, row: int, platform: str) -> bool:
        if self.platform is None:
            if platform not in _PLATFORMS:
                self.reject(
                    row,
                    "platform",
                    _("unknown platform %(value)s; one of %(choices)s")
                    % {"value": repr(shown(platform)), "choices": ", ".join(_PLATFORMS)},
                )
                return False
            self.platform = platform
            return True
        self.reject(
            row,
            "platform",
            _("mixed platforms: the file is %(platform)s, this row is %(value)s")
            % {"platform": self.platform, "value": repr(shown(platform))},
        )
        return False

    def _accept_all(self, items, total: int) -> None:
        """The hot loop: validate, mask and store each record in the columns (minimal work per row)."""
        report, run, reject = self.progress, self.run, self.reject
        next_progress = PROGRESS_EVERY
        roles, types = _ROLES, _TYPES
        needs_mask, id_check, content_check = _MASK_PRECHECK.search, _ID_CHECK.search, _CONTENT_CHECK.search
        special, esc = _COPY_SPECIAL.search, _COPY_ESCAPE
        pii_counts = self.pii_counts
        conv_index = self.conv_index
        c_store, c_pcid, c_buyer, c_rows = self.c_store, self.c_pcid, self.c_buyer, self.c_rows
        m_row, m_id, m_epoch, m_role = self.m_row, self.m_id, self.m_epoch, self.m_role
        m_type, m_content, m_agent = self.m_type, self.m_content, self.m_agent
        stores = self.stores
        platform_seen = None
        max_content = settings.TIDELINE_MAX_MESSAGE_BYTES
        max_content_chars = max_content // 4  # no shorter text can be over the limit in UTF-8
        rows_read = 0
        for item in items:
            rows_read += 1
            if rows_read >= next_progress:
                next_progress += PROGRESS_EVERY
                run_progress(run, done=min(rows_read, total))
                if report is not None:
                    report(min(rows_read, total), total)
            if type(item) is RowError:
                reject(item.row, item.field, item.reason)
                continue
            row, platform, shop, pcid, message_id, epoch, role, agent, buyer, msg_type, content = item
            if platform != platform_seen:
                if not self._check_platform(row, platform):
                    continue
                platform_seen = platform
            store_id = stores.get(shop, 0)
            if store_id == 0:
                store_id = self._store_id(platform, shop)
            if store_id is None:
                reject(
                    row,
                    "shop",
                    _("unknown store %(store)s: create it under Clients first")
                    % {"store": f"{platform}/{shown(shop)}"},
                )
                continue
            if role not in roles:
                reject(
                    row,
                    "sender_role",
                    _("unknown sender role %(value)s; one of buyer, agent, bot, system") % {"value": repr(shown(role))},
                )
                continue
            if msg_type not in types:
                reject(row, "msg_type", _("unknown message type %(value)s") % {"value": repr(shown(msg_type))})
                continue
            if not pcid or len(pcid) > 128:
                reject(row, "conversation_id", _("conversation id must be 1–128 characters"))
                continue
            if not message_id or len(message_id) > 128:
                reject(row, "message_id", _("message id must be 1–128 characters"))
                continue
            if agent and len(agent) > 64:
                reject(row, "agent", _("agent nick longer than 64 characters"))
                continue
            if len(content) > max_content_chars and len(content.encode("utf-8")) > max_content:
                reject(row, "content", _("the message is over the limit of %(kb)s KB") % {"kb": max_content // 1024})
                continue
            if id_check(message_id) is not None:
                message_id = _clean_id(message_id)
            if agent and needs_mask(agent) is not None:
                agent = mask_pii(agent).text
            if content_check(content) is not None:
                if needs_mask(content) is not None:
                    masked = mask_pii(content, role)
                    content = masked.text
                    for kind, n in masked.counts.items():
                        pii_counts[kind] = pii_counts.get(kind, 0) + n
                if special(content) is not None:
                    content = content.translate(esc)
            key = (store_id, pcid)
            conv = conv_index.get(key)
            if conv is None:
                conv = len(c_store)
                conv_index[key] = conv
                c_store.append(store_id)
                c_pcid.append(_clean_id(pcid) if id_check(pcid) is not None else pcid)
                c_buyer.append(buyer)
                c_rows.append([len(m_row)])
            else:
                c_rows[conv].append(len(m_row))
                if buyer and not c_buyer[conv]:
                    c_buyer[conv] = buyer
            m_row.append(row)
            m_id.append(message_id)
            m_epoch.append(epoch)
            m_role.append(role)
            m_type.append(msg_type)
            m_content.append(content)
            m_agent.append(agent)
        self.rows_read = rows_read

    # -- phase 2: order each conversation, catch in-file duplicates
    def _group(self) -> None:
        epochs, ids, rows = self.m_epoch, self.m_id, self.m_row
        for conv, members in enumerate(self.c_rows):
            members.sort(key=epochs.__getitem__)
            seen: dict[str, int] = {}
            dropped = False
            for i in members:
                first = seen.get(ids[i])
                if first is None:
                    seen[ids[i]] = rows[i]
                    continue
                self.reject(
                    rows[i],
                    "message_id",
                    _("duplicate row: message %(message)s of conversation %(conversation)s already at row %(first)s")
                    % {
                        "message": repr(shown(ids[i])),
                        "conversation": repr(shown(self.c_pcid[conv])),
                        "first": first,
                    },
                )
                ids[i] = None  # marks the duplicate for removal
                dropped = True
            if dropped:
                self.c_rows[conv] = [i for i in members if ids[i] is not None]

    def _ensure_partitions(self) -> None:
        """The monthly message partitions of the file's months exist before the write transaction
        (creating one locks the table briefly; apps.conversations.partitions)."""
        epochs = self.m_epoch
        kept = [epochs[i] for members in self.c_rows for i in members]
        message_partitions_for_range(
            start=datetime.fromtimestamp(min(kept), UTC), end=datetime.fromtimestamp(max(kept), UTC)
        )
        self._lap("partitions")

    # -- phase 3: COPY into temp tables, INSERT … SELECT … ON CONFLICT DO NOTHING
    def _write(self) -> tuple[int, int]:
        """Write the grouped file: its conversations (timing computed here), then the messages of the
        new ones by a streamed COPY, then those of conversations already stored, skipping known ones.
        Returns (conversations created, messages inserted)."""
        from apps.people.selectors import agent_ids_by_nick

        with connection.cursor() as cur:
            # the lines are handed over, not kept: the COPY frees them as soon as it is done
            new_ids, conv_ids = self._insert_conversations(
                cur, self._conversation_lines(agent_ids_by_nick(self.m_agent))
            )
            self._lap("conversations")
            inserted, known = self._copy_new_messages(cur, conv_ids, new_ids)
            self._lap("messages")
            inserted += self._insert_known_messages(cur, known)
            self._lap("known_messages")
        return len(new_ids), inserted

    def _conversation_lines(self, agents: dict[str, int]) -> list[str]:
        """One COPY line (tab-separated, tl_import_conv's columns) per conversation of the file, with
        its timing (apps.conversations.timing) and its agent, in the file's order."""
        platform = self.platform or ""
        esc = _COPY_ESCAPE
        m_epoch, m_role, m_content, m_agent = self.m_epoch, self.m_role, self.m_content, self.m_agent
        c_store, c_pcid, c_buyer = self.c_store, self.c_pcid, self.c_buyer
        conv_lines: list[str] = []
        for conv, members in enumerate(self.c_rows):
            if not members:
                continue
            epochs = [m_epoch[i] for i in members]
            roles = [m_role[i] for i in members]
            contents = [m_content[i] for i in members]
            t = timing_from_columns(epochs, roles, contents)
            agent_nick = next((m_agent[i] for i in members if m_role[i] == "agent" and m_agent[i]), "")
            agent_id = agents.get(agent_nick)
            first = t["first_response_seconds"]
            pcid = c_pcid[conv]
            conv_lines.append(
                f"{conv}\t{c_store[conv]}\t{pcid}\t{epochs[0]!r}\t"
                f"{epochs[-1]!r}\t{NULL if agent_id is None else agent_id}\t{agent_nick.translate(esc)}\t"
                f"{t['handled_by']}\t{'t' if t['transferred_to_human'] else 'f'}\t"
                f"{buyer_pseudonym(platform, c_buyer[conv])}\t{len(members)}\t{NULL if first is None else first}\t"
                f"{t['buyer_rounds']}\t{t['rounds_answered_180s']}\t{t['rounds_in_service_hours']}\t"
                f"{t['response_seconds_total']}\t{t['rounds_answered']}\t{t['max_wait_seconds']}\n"
            )
        return conv_lines

    def _insert_conversations(self, cur, conv_lines: list[str]) -> tuple[set[int], dict[int, int]]:
        """COPY the conversations into a temporary table and INSERT those not stored yet. Returns
        (ids created now, {position in the file: conversation id}, created or already stored)."""
        cur.execute("DROP TABLE IF EXISTS tl_import_conv, tl_import_msg")
        cur.execute(
            "CREATE TEMP TABLE tl_import_conv (ord int PRIMARY KEY, store_id bigint, pcid text, "
            "started float8, ended float8, agent_id bigint, agent_nick text, handled_by text, "
            "transferred bool, pseudonym text, message_count int, first_response int, buyer_rounds int, "
            "r180 int, rsvc int, rtotal int, ranswered int, max_wait int, conv_id bigint) ON COMMIT DROP"
        )
        _copy(
            cur,
            "COPY tl_import_conv (ord, store_id, pcid, started, ended, agent_id, agent_nick, handled_by, "
            "transferred, pseudonym, message_count, first_response, buyer_rounds, r180, rsvc, rtotal, "
            "ranswered, max_wait) FROM STDIN",
            conv_lines,
        )
        del conv_lines
        self._lap("prepare")
        cur.execute("ANALYZE tl_import_conv")
        cur.execute(
            "INSERT INTO conversations_conversation (store_id, platform_conversation_id, channel, started_at, "
            "ended_at, agent_id, agent_nick, handled_by, transferred_to_human, buyer_pseudonym, message_count, "
            "first_response_seconds, buyer_rounds, rounds_answered_180s, rounds_in_service_hours, "
            "response_seconds_total, rounds_answered, max_wait_seconds, import_run_id) "
            "SELECT store_id, pcid, 'chat', to_timestamp(started), to_timestamp(ended), agent_id, agent_nick, "
            "handled_by, transferred, pseudonym, message_count, first_response, buyer_rounds, r180, rsvc, "
            "rtotal, ranswered, max_wait, %s FROM tl_import_conv ORDER BY ord "
            "ON CONFLICT (store_id, platform_conversation_id) DO NOTHING RETURNING id",
            [self.run.pk],
        )
        new_ids = {row[0] for row in cur.fetchall()}
        # a probe of the unique (store, pcid) index per row; a join hash-scanned all history (10x: 5.5 s)
        cur.execute(
            "UPDATE tl_import_conv t SET conv_id = (SELECT c.id FROM conversations_conversation c "
            "WHERE c.store_id = t.store_id AND c.platform_conversation_id = t.pcid) RETURNING t.ord, t.conv_id"
        )
        return new_ids, dict(cur.fetchall())

    def _copy_new_messages(self, cur, conv_ids: dict[int, int], new_ids: set[int]) -> tuple[int, list]:
        """Messages of conversations created just now cannot exist yet: COPY them straight into the
        table, streamed chunk by chunk from a sending thread while the next chunk is formatted, with
        the foreign-key checks done as rows arrive rather than all at COMMIT. Returns (messages
        copied, [(conversation id, its message positions)] of the conversations already stored)."""
        m_epoch, m_role, m_content, m_id, m_type = self.m_epoch, self.m_role, self.m_content, self.m_id, self.m_type
        known: list = []
        inserted = 0
        to_text = _timestamp_text
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        raw = cur.cursor
        with raw.copy(
            f"COPY conversations_message {_MESSAGE_COLUMNS} FROM STDIN", writer=QueuedLibpqWriter(raw)
        ) as copy:
            chunk: list[str] = []
            for conv, members in enumerate(self.c_rows):
                if not members:
                    continue
                conv_id = conv_ids[conv]
                if conv_id not in new_ids:
                    known.append((conv_id, members))
                    continue
                seq = 0
                for i in members:
                    seq += 1
                    chunk.append(
                        f"{conv_id}\t{m_id[i]}\t{seq}\t{to_text(m_epoch[i])}\t{m_role[i]}\t{m_type[i]}\t"
                        f"{m_content[i]}\n"
                    )
                inserted += seq
                if len(chunk) >= COPY_CHUNK_ROWS:
                    copy.write("".join(chunk).encode("utf-8"))
                    chunk = []
            if chunk:
                copy.write("".join(chunk).encode("utf-8"))
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        return inserted, known

    def _insert_known_messages(self, cur, known: list) -> int:
        """Messages of conversations that were already stored go through ON CONFLICT DO NOTHING (those
        whose key is stored are left out first); the conversations that gained messages get their
        timing recomputed. Returns the messages inserted."""
        m_epoch, m_role, m_content, m_id, m_type = self.m_epoch, self.m_role, self.m_content, self.m_id, self.m_type
        to_text = _timestamp_text
        inserted = 0
        inserted_by_conv: dict[int, int] = {}
        if known:
            stored = _stored_keys(cur, [conv_id for conv_id, _ in known])
            lines = []
            for conv_id, members in known:
                seq = 0
                for i in members:
                    seq += 1
                    if f"{conv_id}\t{m_id[i]}" not in stored:
                        lines.append(
                            f"{conv_id}\t{m_id[i]}\t{seq}\t{to_text(m_epoch[i])}\t{m_role[i]}\t{m_type[i]}\t"
                            f"{m_content[i]}\n"
                        )
            known = lines
        if known:
            cur.execute(
                "CREATE TEMP TABLE tl_import_msg (conversation_id bigint, message_id text, seq int, "
                "sent_at timestamptz, sender_role text, msg_type text, content text) ON COMMIT DROP"
            )
            _copy(cur, f"COPY tl_import_msg {_MESSAGE_COLUMNS} FROM STDIN", known)
            del known
            cur.execute(
                f"WITH ins AS (INSERT INTO conversations_message {_MESSAGE_COLUMNS} SELECT * FROM tl_import_msg "
                "ON CONFLICT (conversation_id, message_id, sent_at) DO NOTHING RETURNING conversation_id) "
                "SELECT conversation_id, count(*) FROM ins GROUP BY conversation_id"
            )
            inserted_by_conv = dict(cur.fetchall())
            inserted += sum(inserted_by_conv.values())
        if inserted_by_conv:
            _recompute_merged(cur, list(inserted_by_conv), run_id=self.run.pk)
        return inserted


_MESSAGE_COLUMNS = "(conversation_id, message_id, seq, sent_at, sender_role, msg_type, content)"


def _stored_keys(cur, conversation_ids: list[int]) -> set[str]:
    """ "<conversation id><TAB><message id>" of the stored messages of these conversations, the message id
    escaped as in COPY text (as the importer's columns hold it), so that a re-import can drop what is
    already stored before writing anything. What is left still goes through ON CONFLICT DO NOTHING."""
    cur.execute(
        "SELECT conversation_id::text || E'\\t' || replace(replace(replace(replace(message_id, E'\\\\', "
        "E'\\\\\\\\'), E'\\t', E'\\\\t'), E'\\n', E'\\\\n'), E'\\r', E'\\\\r') "
        "FROM conversations_message WHERE conversation_id = ANY(%s)",
        [conversation_ids],
    )
    return {row[0] for row in cur.fetchall()}


def _timestamp_text(epoch: float) -> str:
    """POSIX seconds as a timestamptz literal for COPY."""
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def _copy(cur, sql: str, lines: list[str]) -> None:
    with cur.copy(sql) as copy:
        for start in range(0, len(lines), COPY_CHUNK_ROWS):
            copy.write("".join(lines[start : start + COPY_CHUNK_ROWS]).encode("utf-8"))


def _recompute_merged(cur, conversation_ids: list[int], *, run_id: int) -> None:
    """Conversations that already existed and received new messages: renumber and re-time them
    from ALL their messages, and take the agent from the file if the row had none."""
    cur.execute(
        "UPDATE conversations_message m SET seq = s.rn FROM (SELECT id, row_number() OVER "
        "(PARTITION BY conversation_id ORDER BY sent_at, seq, id) AS rn FROM conversations_message "
        "WHERE conversation_id = ANY(%s)) s WHERE m.id = s.id AND m.seq <> s.rn",
        [conversation_ids],
    )
    cur.execute(
        "SELECT conversation_id, extract(epoch FROM sent_at)::float8, sender_role, content, sent_at "
        "FROM conversations_message WHERE conversation_id = ANY(%s) ORDER BY conversation_id, seq",
        [conversation_ids],
    )
    grouped: dict[int, list[tuple]] = {}
    for conv_id, epoch, role, content, sent_at in cur.fetchall():
        grouped.setdefault(conv_id, []).append((epoch, role, content, sent_at))
    updates = []
    for conv_id, rows in grouped.items():
        t = timing_from_columns([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
        updates.append(
            (
                rows[0][3],
                rows[-1][3],
                len(rows),
                t["handled_by"],
                t["transferred_to_human"],
                t["first_response_seconds"],
                t["buyer_rounds"],
                t["rounds_answered_180s"],
                t["rounds_in_service_hours"],
                t["response_seconds_total"],
                t["rounds_answered"],
                t["max_wait_seconds"],
                run_id,
                conv_id,
            )
        )
    cur.executemany(
        "UPDATE conversations_conversation SET started_at = %s, ended_at = %s, message_count = %s, "
        "handled_by = %s, transferred_to_human = %s, first_response_seconds = %s, buyer_rounds = %s, "
        "rounds_answered_180s = %s, rounds_in_service_hours = %s, response_seconds_total = %s, "
        "rounds_answered = %s, max_wait_seconds = %s, import_run_id = %s WHERE id = %s",
        updates,
    )
    cur.execute(
        "UPDATE conversations_conversation c SET agent_id = t.agent_id, agent_nick = t.agent_nick "
        "FROM tl_import_conv t WHERE c.id = t.conv_id AND c.id = ANY(%s) AND c.agent_id IS NULL "
        "AND t.agent_id IS NOT NULL",
        [conversation_ids],
    )
