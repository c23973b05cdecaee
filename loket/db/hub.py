"""The hub's SQL (PostgreSQL, psycopg 3): its schema and every statement the sync runs on it.

Rows of every synced table are kept generically, one `loket.row` per (table, row id) with
its fields as JSONB, `meta` saying per field which PC wrote the value when, and `xid` the
transaction that last wrote it: the pull feed reads `xid >= cursor`, where the cursor is
the `pg_snapshot_xmin` of the previous pull's snapshot, so a transaction that commits late
(with a lower xid than one already seen) is still read.  The merge rules themselves live in
`loket.sync.merge`; this module only reads and writes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from loket.sync import tables

SCHEMA_VERSION = 1
log = logging.getLogger(__name__)

SCHEMA = [
    "CREATE SCHEMA IF NOT EXISTS loket",
    """CREATE TABLE IF NOT EXISTS loket.meta (
        key   text PRIMARY KEY,
        value text NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS loket.workstation (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        desk_code   text,
        role_name   text UNIQUE,
        chain_key   bytea,
        cert_serial text,
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        last_seq    bigint NOT NULL DEFAULT 0,
        audit_seq   bigint NOT NULL DEFAULT 0,
        audit_head  text NOT NULL DEFAULT repeat('0', 64),
        audit_broken boolean NOT NULL DEFAULT false
    )""",
    """CREATE TABLE IF NOT EXISTS loket.batch (
        id          uuid PRIMARY KEY,
        workstation text NOT NULL REFERENCES loket.workstation(id),
        seq         bigint NOT NULL,
        sha256      text NOT NULL,
        entries     integer NOT NULL,
        xact        xid8 NOT NULL DEFAULT pg_current_xact_id(),
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workstation, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS loket.refusal (
        id          bigserial PRIMARY KEY,
        workstation text,
        batch_id    text,
        reason      text NOT NULL,
        at          timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS loket.row (
        table_name text NOT NULL,
        row_id     text NOT NULL,
        data       jsonb NOT NULL,
        deleted    boolean NOT NULL DEFAULT false,
        meta       jsonb NOT NULL DEFAULT '{}',
        xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
        PRIMARY KEY (table_name, row_id)
    )""",
    "CREATE INDEX IF NOT EXISTS row_xid ON loket.row (xid)",
    """CREATE INDEX IF NOT EXISTS row_visitor_v_number ON loket.row ((data->>'v_number'))
        WHERE table_name = 'visitor' AND NOT deleted""",
    """CREATE INDEX IF NOT EXISTS row_visitor_bsn ON loket.row ((data->>'bsn'))
        WHERE table_name = 'visitor' AND NOT deleted""",
    """CREATE TABLE IF NOT EXISTS loket.conflict (
        id                   uuid PRIMARY KEY,
        table_name           text NOT NULL,
        row_id               text NOT NULL,
        field                text NOT NULL,
        base_value           jsonb,
        hub_value            jsonb,
        incoming_value       jsonb,
        hub_workstation      text,
        hub_staff            text,
        hub_at               text,
        incoming_workstation text NOT NULL,
        incoming_staff       text,
        incoming_at          text NOT NULL,
        desk_id              text,
        created_at           text NOT NULL,
        resolved_at          text,
        resolved_by          text,
        resolution           jsonb,
        batch_id             uuid NOT NULL,
        xid                  xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    "CREATE INDEX IF NOT EXISTS conflict_xid ON loket.conflict (xid)",
    """CREATE TABLE IF NOT EXISTS loket.task (
        id               uuid PRIMARY KEY,
        kind             text NOT NULL,
        visitor_id       text NOT NULL,
        other_visitor_id text NOT NULL,
        reason           text NOT NULL,
        created_at       text NOT NULL,
        closed_at        text,
        xid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
        UNIQUE (kind, visitor_id, other_visitor_id)
    )""",
    "CREATE INDEX IF NOT EXISTS task_xid ON loket.task (xid)",
    """CREATE TABLE IF NOT EXISTS loket.audit_row (
        workstation text NOT NULL REFERENCES loket.workstation(id),
        seq         bigint NOT NULL,
        hash        text NOT NULL,
        data        jsonb NOT NULL,
        PRIMARY KEY (workstation, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS loket.audit_quarantine (
        id          bigserial PRIMARY KEY,
        workstation text NOT NULL,
        batch_id    uuid NOT NULL,
        seq         bigint,
        reason      text NOT NULL,
        data        jsonb NOT NULL,
        at          timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS loket.checkpoint (
        seq       bigint PRIMARY KEY,
        at        text NOT NULL,
        heads     text NOT NULL,
        prev_hash text NOT NULL,
        hash      text NOT NULL,
        xid       xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    "CREATE INDEX IF NOT EXISTS checkpoint_xid ON loket.checkpoint (xid)",
    # What a PC holds (docs/sync-staff.md): every row of a visitor's file carries the
    # visitor's id; a desk holds the files of the visitors registered or seen there
    # (`loket.holding`), and a PC pulls the rows of its desk's files and of the shared
    # tables (visitor_id NULL) only.  Of the other desks' visitors it pulls the keyed index.
    "ALTER TABLE loket.row ADD COLUMN IF NOT EXISTS visitor_id text",
    """CREATE INDEX IF NOT EXISTS row_visitor ON loket.row (visitor_id)
        WHERE visitor_id IS NOT NULL""",
    """CREATE TABLE IF NOT EXISTS loket.holding (
        visitor_id text NOT NULL,
        desk_id    text NOT NULL,
        since      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (visitor_id, desk_id)
    )""",
    """CREATE TABLE IF NOT EXISTS loket.visitor_key (
        visitor_id text PRIMARY KEY,
        desk_id    text,
        keys       text[] NOT NULL,
        xid        xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    "CREATE INDEX IF NOT EXISTS visitor_key_xid ON loket.visitor_key (xid)",
    """CREATE TABLE IF NOT EXISTS loket.search_log (
        id          bigserial PRIMARY KEY,
        workstation text NOT NULL,
        desk_id     text,
        staff       text,
        kind        text NOT NULL,
        hits        integer NOT NULL,
        at          timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS loket.file_open (
        id          bigserial PRIMARY KEY,
        workstation text NOT NULL,
        desk_id     text,
        visitor_id  text NOT NULL,
        staff       text,
        at          timestamptz NOT NULL DEFAULT now()
    )""",
    # a pair staff decided on a PC (loket.close_task): how, by whom
    "ALTER TABLE loket.task ADD COLUMN IF NOT EXISTS outcome text",
    "ALTER TABLE loket.task ADD COLUMN IF NOT EXISTS closed_by text",
    # the PC's last sync round, a pull only included (loket.record_contact)
    "ALTER TABLE loket.workstation ADD COLUMN IF NOT EXISTS last_contact_at timestamptz",
]


def _visitor_of_sql() -> str:
    """The body of loket.visitor_of(table, row_id, data), generated from FILE_TABLES."""
    lines = ["CASE p_table"]
    for table, (how, column) in tables.FILE_TABLES.items():
        if how == "self":
            value = "p_row_id"
        elif how == "column":
            value = f"p_data->>'{column}'"
        else:
            value = (
                f"(SELECT visitor_id FROM loket.row WHERE table_name = '{how}'"
                f" AND row_id = p_data->>'{column}')"
            )
        lines.append(f"WHEN '{table}' THEN {value}")
    lines.append("END")
    return " ".join(lines)


# Every write a PC makes goes through these SECURITY DEFINER functions; a PC's role has no
# INSERT, UPDATE or DELETE on any table.  Each one finds the PC's workstation from the role
# it signed in as (session_user, which the certificate's CN decides) and refuses a batch,
# a field or a conflict attributed to another workstation.  Merges run one at a time (a
# transaction-level advisory lock), so two PCs' batches never interleave on a row.
FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION loket.me() RETURNS text LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        SELECT id FROM loket.workstation WHERE role_name = session_user
    $$""",
    f"""CREATE OR REPLACE FUNCTION loket.visitor_of(p_table text, p_row_id text, p_data jsonb)
        RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, loket AS $$
        SELECT {_visitor_of_sql()}
    $$""",
    """CREATE OR REPLACE FUNCTION loket.desk_of_workstation(p_ws text) RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        SELECT d.row_id FROM loket.workstation w
          JOIN loket.row d ON d.table_name = 'desk' AND d.data->>'code' = w.desk_code
         WHERE w.id = p_ws AND NOT d.deleted
         LIMIT 1
    $$""",
    """CREATE OR REPLACE FUNCTION loket.my_desk() RETURNS text LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        SELECT loket.desk_of_workstation(loket.me())
    $$""",
    """CREATE OR REPLACE FUNCTION loket.my_desk_code() RETURNS text LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        SELECT desk_code FROM loket.workstation WHERE role_name = session_user
    $$""",
    # A desk starts holding a file: every row of it is written again in this transaction
    # (its xid), so the desk's PCs pull the whole file with their next feed.
    """CREATE OR REPLACE FUNCTION loket.hold(p_visitor text, p_desk text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        BEGIN
            IF p_visitor IS NULL OR p_desk IS NULL THEN
                RETURN;
            END IF;
            INSERT INTO loket.holding (visitor_id, desk_id) VALUES (p_visitor, p_desk)
            ON CONFLICT DO NOTHING;
            IF FOUND THEN
                UPDATE loket.row SET xid = pg_current_xact_id()
                 WHERE visitor_id = p_visitor AND xid <> pg_current_xact_id();
                UPDATE loket.visitor_key SET xid = pg_current_xact_id(), desk_id = p_desk
                 WHERE visitor_id = p_visitor;
                UPDATE loket.conflict c SET xid = pg_current_xact_id()
                  FROM loket.row r
                 WHERE r.visitor_id = p_visitor AND c.table_name = r.table_name
                   AND c.row_id = r.row_id AND c.xid <> pg_current_xact_id();
            END IF;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.own_batch(p_batch uuid) RETURNS text
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE ws text;
        BEGIN
            SELECT b.workstation INTO ws FROM loket.batch b
              JOIN loket.workstation w ON w.id = b.workstation
             WHERE b.id = p_batch AND w.role_name = session_user
               AND b.xact = pg_current_xact_id();
            IF ws IS NULL THEN
                RAISE EXCEPTION 'loket: no open batch of this workstation';
            END IF;
            RETURN ws;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.open_batch(p_id uuid, p_seq bigint, p_sha text,
            p_entries integer) RETURNS jsonb
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE w loket.workstation; b loket.batch;
        BEGIN
            PERFORM pg_advisory_xact_lock(16016);
            SELECT * INTO w FROM loket.workstation WHERE role_name = session_user FOR UPDATE;
            IF NOT FOUND THEN RAISE EXCEPTION 'loket: not enrolled'; END IF;
            SELECT * INTO b FROM loket.batch WHERE id = p_id;
            IF FOUND THEN
                IF b.sha256 = p_sha AND b.workstation = w.id AND b.seq = p_seq THEN
                    RETURN jsonb_build_object('state', 'duplicate');
                END IF;
                RAISE EXCEPTION 'loket: same id, other content';
            END IF;
            IF p_seq <> w.last_seq + 1 THEN
                RAISE EXCEPTION 'loket: sequence gap: expected %, got %', w.last_seq + 1, p_seq;
            END IF;
            INSERT INTO loket.batch (id, workstation, seq, sha256, entries)
            VALUES (p_id, w.id, p_seq, p_sha, p_entries);
            UPDATE loket.workstation SET last_seq = p_seq WHERE id = w.id;
            RETURN jsonb_build_object('state', 'open', 'id', w.id, 'audit_seq', w.audit_seq,
                'audit_head', w.audit_head, 'audit_broken', w.audit_broken,
                'chain_key', encode(w.chain_key, 'hex'));
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.put_row(p_batch uuid, p_table text, p_row_id text,
            p_data jsonb, p_meta jsonb, p_deleted boolean) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE ws text := loket.own_batch(p_batch); cur loket.row; vid text; desk text;
        BEGIN
            SELECT * INTO cur FROM loket.row WHERE table_name = p_table AND row_id = p_row_id;
            IF NOT p_deleted AND EXISTS (
                SELECT 1 FROM jsonb_each(p_data) d
                 WHERE (cur.data -> d.key) IS DISTINCT FROM d.value
                   AND d.key NOT IN ('created_at', 'updated_at', 'workstation')
                   AND (p_meta -> d.key ->> 'ws') IS DISTINCT FROM ws) THEN
                RAISE EXCEPTION 'loket: a field written as another workstation';
            END IF;
            vid := coalesce(loket.visitor_of(p_table, p_row_id, p_data), cur.visitor_id);
            INSERT INTO loket.row (table_name, row_id, data, meta, deleted, visitor_id)
            VALUES (p_table, p_row_id, p_data, p_meta, p_deleted, vid)
            ON CONFLICT (table_name, row_id) DO UPDATE SET data = excluded.data,
                meta = excluded.meta, deleted = excluded.deleted,
                visitor_id = excluded.visitor_id, xid = pg_current_xact_id();
            IF vid IS NULL OR p_deleted THEN
                RETURN;
            END IF;
            -- a desk that writes to a file (registers the visitor, records a visit, changes
            -- a referral) holds it, and so does the desk of a visit; a merge joins the
            -- holdings of both files
            -- (the desk into a variable first, here and in put_keys and add_conflict: the
            -- SQL function called inside a query is set up again at every call, which
            -- made each row and each visitor's keys cost about 0.15 ms more; bench_sync)
            desk := loket.desk_of_workstation(ws);
            PERFORM loket.hold(vid, desk);
            IF p_table = 'visit' THEN
                PERFORM loket.hold(vid, p_data->>'desk_id');
            END IF;
            IF p_table = 'visitor' AND (p_data->>'merged_into') IS NOT NULL THEN
                PERFORM loket.hold(v, h.desk_id) FROM loket.holding h,
                    unnest(ARRAY[vid, p_data->>'merged_into']) v
                 WHERE h.visitor_id IN (vid, p_data->>'merged_into');
                -- what the merge moved is the kept file's now: its visits say so, their
                -- needs, referrals and appointments are tagged along (so opening, holding
                -- or following the kept file brings them)
                UPDATE loket.row SET visitor_id = p_data->>'merged_into',
                       xid = pg_current_xact_id()
                 WHERE visitor_id = vid AND NOT (table_name = 'visitor' AND row_id = vid);
            END IF;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.add_conflict(p_batch uuid, c jsonb) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE ws text := loket.own_batch(p_batch);
                desk text := loket.desk_of_workstation(ws);
        BEGIN
            -- a desk that changed a file (even if only into a conflict) holds it
            PERFORM loket.hold(r.visitor_id, desk) FROM loket.row r
             WHERE r.table_name = c->>'table_name' AND r.row_id = c->>'row_id';
            INSERT INTO loket.conflict (id, table_name, row_id, field, base_value, hub_value,
                incoming_value, hub_workstation, hub_staff, hub_at, incoming_workstation,
                incoming_staff, incoming_at, desk_id, created_at, batch_id)
            VALUES ((c->>'id')::uuid, c->>'table_name', c->>'row_id', c->>'field',
                c->'base_value', c->'hub_value', c->'incoming_value', c->>'hub_workstation',
                c->>'hub_staff', c->>'hub_at', ws, c->>'incoming_staff', c->>'incoming_at',
                c->>'desk_id', c->>'created_at', p_batch);
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.scrub_conflicts(p_batch uuid, p_table text,
            p_row_id text, p_at text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        BEGIN
            PERFORM loket.own_batch(p_batch);
            UPDATE loket.conflict SET base_value = NULL, hub_value = NULL,
                   incoming_value = NULL, resolution = NULL,
                   resolved_at = coalesce(resolved_at, p_at),
                   resolved_by = coalesce(resolved_by, 'erasure'), xid = pg_current_xact_id()
             WHERE table_name = p_table AND row_id = p_row_id;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.add_task(p_batch uuid, t jsonb) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        BEGIN
            PERFORM loket.own_batch(p_batch);
            INSERT INTO loket.task (id, kind, visitor_id, other_visitor_id, reason, created_at)
            VALUES ((t->>'id')::uuid, t->>'kind', t->>'visitor_id', t->>'other_visitor_id',
                    t->>'reason', t->>'created_at')
            ON CONFLICT (kind, visitor_id, other_visitor_id) DO NOTHING;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.add_audit(p_batch uuid, p_rows jsonb,
            p_quarantine jsonb, p_seq bigint, p_head text, p_broken boolean) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE ws text := loket.own_batch(p_batch);
        BEGIN
            INSERT INTO loket.audit_row (workstation, seq, hash, data)
            SELECT ws, (r->>'seq')::bigint, r->>'hash', r FROM jsonb_array_elements(p_rows) r
            ON CONFLICT (workstation, seq) DO NOTHING;
            INSERT INTO loket.audit_quarantine (workstation, batch_id, seq, reason, data)
            SELECT ws, p_batch, (q->>'seq')::bigint, q->>'reason', q->'data'
              FROM jsonb_array_elements(p_quarantine) q;
            UPDATE loket.workstation SET audit_seq = p_seq, audit_head = p_head,
                   audit_broken = p_broken WHERE id = ws;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.checkpoint(p_batch uuid, p_at text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE last loket.checkpoint; heads text; nxt bigint; prev text;
        BEGIN
            PERFORM loket.own_batch(p_batch);
            SELECT * INTO last FROM loket.checkpoint ORDER BY seq DESC LIMIT 1;
            nxt := coalesce(last.seq, 0) + 1;
            prev := coalesce(last.hash, repeat('0', 64));
            SELECT jsonb_object_agg(id, jsonb_build_object('seq', audit_seq, 'head',
                   audit_head))::text INTO heads FROM loket.workstation;
            INSERT INTO loket.checkpoint (seq, at, heads, prev_hash, hash)
            VALUES (nxt, p_at, heads, prev, encode(sha256(convert_to(
                prev || chr(31) || nxt::text || chr(31) || p_at || chr(31) || heads,
                'UTF8')), 'hex'));
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.resolve_conflict(p_id uuid, p_at text, p_by text,
            p_value jsonb) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        BEGIN
            IF loket.me() IS NULL THEN RAISE EXCEPTION 'loket: not enrolled'; END IF;
            UPDATE loket.conflict SET resolved_at = p_at, resolved_by = p_by,
                   resolution = p_value, xid = pg_current_xact_id()
             WHERE id = p_id AND resolved_at IS NULL;
            RETURN FOUND;
        END $$""",
    # The keyed index of one visitor (HMAC keys the PC that pushed the file computed with
    # the deployment's subject key; empty for an erased or merged-away file).
    """CREATE OR REPLACE FUNCTION loket.put_keys(p_batch uuid, p_visitor text, p_keys text[])
        RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE ws text := loket.own_batch(p_batch);
                desk text := loket.desk_of_workstation(ws);
        BEGIN
            INSERT INTO loket.visitor_key (visitor_id, desk_id, keys)
            VALUES (p_visitor, desk, p_keys)
            ON CONFLICT (visitor_id) DO UPDATE SET keys = excluded.keys,
                desk_id = coalesce(loket.visitor_key.desk_id, excluded.desk_id),
                xid = pg_current_xact_id()
             WHERE loket.visitor_key.keys IS DISTINCT FROM excluded.keys;
        END $$""",
    # Opening another desk's file: logged here (which PC, which desk, which member of
    # staff), and the whole file returned -- with the file it was merged into, if any.
    """CREATE OR REPLACE FUNCTION loket.open_file(p_visitor text, p_staff text)
        RETURNS TABLE (table_name text, row_id text, data jsonb, deleted boolean)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE ws text := loket.me(); ids text[] := ARRAY[p_visitor]; nxt text;
        BEGIN
            IF ws IS NULL THEN RAISE EXCEPTION 'loket: not enrolled'; END IF;
            INSERT INTO loket.file_open (workstation, desk_id, visitor_id, staff)
            VALUES (ws, loket.my_desk(), p_visitor, p_staff);
            FOR i IN 1..8 LOOP
                SELECT r.data->>'merged_into' INTO nxt FROM loket.row r
                 WHERE r.table_name = 'visitor' AND r.row_id = ids[array_length(ids, 1)];
                EXIT WHEN nxt IS NULL OR nxt = ANY(ids);
                ids := ids || nxt;
            END LOOP;
            RETURN QUERY SELECT r.table_name, r.row_id, r.data, r.deleted FROM loket.row r
             WHERE r.visitor_id = ANY(ids) ORDER BY r.table_name, r.row_id;
        END $$""",
    # A search of other desks' visitors at the hub: which PC, desk and member of staff, by
    # number or by name, how many found -- never what was typed.
    """CREATE OR REPLACE FUNCTION loket.log_search(p_kind text, p_hits integer, p_staff text)
        RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        BEGIN
            IF loket.me() IS NULL THEN RAISE EXCEPTION 'loket: not enrolled'; END IF;
            IF p_kind NOT IN ('number', 'name') THEN
                RAISE EXCEPTION 'loket: a search is by number or by name';
            END IF;
            INSERT INTO loket.search_log (workstation, desk_id, staff, kind, hits)
            VALUES (loket.me(), loket.my_desk(), left(p_staff, 100), p_kind, p_hits);
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.register_chain_key(p_key bytea) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        BEGIN
            UPDATE loket.workstation SET chain_key = p_key
             WHERE role_name = session_user AND (chain_key IS NULL OR chain_key = p_key);
            RETURN FOUND;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.log_refusal(p_batch text, p_reason text)
        RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        INSERT INTO loket.refusal (workstation, batch_id, reason)
        VALUES (coalesce(loket.me(), session_user::text), p_batch, left(p_reason, 300))
    $$""",
    # Staff on a PC decided a "possibly the same visitor" pair: two people ('dismissed') or
    # merged.  The hub's task for the pair (either order) is closed with that outcome, or
    # made closed when the hub had none, so every PC's pull learns the decision.  A pair's
    # first decision stays: sent again (a lost round), it changes nothing.
    """CREATE OR REPLACE FUNCTION loket.close_task(p_a text, p_b text, p_reason text,
            p_outcome text, p_at text, p_by text) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE lo text; hi text;
        BEGIN
            IF loket.me() IS NULL THEN RAISE EXCEPTION 'loket: not enrolled'; END IF;
            IF p_outcome IS NULL OR p_outcome NOT IN ('dismissed', 'merged') THEN
                RAISE EXCEPTION 'loket: a task closes as dismissed or merged';
            END IF;
            IF p_a IS NULL OR p_b IS NULL OR p_a = p_b OR p_at IS NULL OR p_reason IS NULL THEN
                RAISE EXCEPTION 'loket: a task needs two visitors, a reason and a time';
            END IF;
            IF p_a COLLATE "C" < p_b COLLATE "C" THEN lo := p_a; hi := p_b;
            ELSE lo := p_b; hi := p_a; END IF;
            PERFORM pg_advisory_xact_lock(16017);
            IF EXISTS (SELECT 1 FROM loket.task WHERE kind = 'possible_duplicate'
                        AND visitor_id IN (lo, hi) AND other_visitor_id IN (lo, hi)
                        AND closed_at IS NOT NULL) THEN
                RETURN false;
            END IF;
            UPDATE loket.task SET closed_at = p_at, outcome = p_outcome,
                   closed_by = left(p_by, 100), xid = pg_current_xact_id()
             WHERE kind = 'possible_duplicate' AND visitor_id IN (lo, hi)
               AND other_visitor_id IN (lo, hi);
            IF NOT FOUND THEN
                INSERT INTO loket.task (id, kind, visitor_id, other_visitor_id, reason,
                                        created_at, closed_at, outcome, closed_by)
                VALUES (gen_random_uuid(), 'possible_duplicate', lo, hi, p_reason, p_at,
                        p_at, p_outcome, left(p_by, 100));
            END IF;
            RETURN true;
        END $$""",
    # Every sync round says it was here, a round that only pulls as well.
    """CREATE OR REPLACE FUNCTION loket.record_contact() RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        BEGIN
            UPDATE loket.workstation SET last_contact_at = now()
             WHERE role_name = session_user;
            RETURN FOUND;
        END $$""",
]

# What a PC's role may do: read what it pulls, call the functions above.  Nothing else.
GRANTS = [
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loket_pc') THEN"
    " CREATE ROLE loket_pc NOLOGIN; END IF; END $$",
    "REVOKE ALL ON ALL TABLES IN SCHEMA loket FROM PUBLIC",
    "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA loket FROM PUBLIC",
    "GRANT USAGE ON SCHEMA loket TO loket_pc",
    "GRANT SELECT ON loket.row, loket.conflict, loket.task, loket.checkpoint TO loket_pc",
    "GRANT SELECT ON loket.holding, loket.visitor_key TO loket_pc",
    "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA loket TO loket_pc",
    # the hub's own helpers: a PC calls them only through put_row and add_conflict
    "REVOKE EXECUTE ON FUNCTION loket.hold(text, text), loket.desk_of_workstation(text),"
    " loket.visitor_of(text, text, jsonb) FROM loket_pc",
]


def init_schema(conn) -> None:
    from loket.db import hub_admin  # the administrators' functions (PCs of the desk, revoke)

    with conn.transaction():
        for statement in SCHEMA + FUNCTIONS + hub_admin.STATEMENTS + GRANTS:
            conn.execute(statement)
        for statement in _backfill_statements():
            conn.execute(statement)
        conn.execute(
            "INSERT INTO loket.meta (key, value) VALUES ('schema_version', %s)"
            " ON CONFLICT (key) DO NOTHING",
            (str(SCHEMA_VERSION),),
        )


def _backfill_statements() -> list[str]:
    """An existing hub's rows get their visitor (parents first, so children find it) and
    its desks their holdings: the desks of the visits, and for a visitor without a visit
    the desk of the PC that wrote the name.  Idempotent; only untagged rows are read."""
    out = []
    for table in tables.FILE_TABLES:
        out.append(
            "UPDATE loket.row SET visitor_id = loket.visitor_of(table_name, row_id, data)"
            f" WHERE table_name = '{table}' AND visitor_id IS NULL"
        )
    out.append(
        "INSERT INTO loket.holding (visitor_id, desk_id)"
        " SELECT DISTINCT visitor_id, data->>'desk_id' FROM loket.row"
        " WHERE table_name = 'visit' AND visitor_id IS NOT NULL AND data->>'desk_id' IS NOT NULL"
        " ON CONFLICT DO NOTHING"
    )
    out.append(
        "INSERT INTO loket.holding (visitor_id, desk_id)"
        " SELECT r.row_id, loket.desk_of_workstation(r.meta->'family_name'->>'ws')"
        " FROM loket.row r WHERE r.table_name = 'visitor'"
        " AND NOT EXISTS (SELECT 1 FROM loket.holding h WHERE h.visitor_id = r.row_id)"
        " AND loket.desk_of_workstation(r.meta->'family_name'->>'ws') IS NOT NULL"
        " ON CONFLICT DO NOTHING"
    )
    return out


def visitors_without_keys(conn, limit: int) -> list[tuple[str, dict]]:
    cur = conn.execute(
        "SELECT r.row_id, r.data FROM loket.row r WHERE r.table_name = 'visitor'"
        " AND NOT r.deleted AND NOT EXISTS"
        " (SELECT 1 FROM loket.visitor_key k WHERE k.visitor_id = r.row_id)"
        " ORDER BY r.row_id LIMIT %s",
        (limit,),
    )
    return cur.fetchall()


def put_keys_as_admin(conn, rows: list[tuple[str, list[str]]]) -> None:
    """The keyed index of visitors an older hub holds without one (`loket hub init`)."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO loket.visitor_key (visitor_id, desk_id, keys)"
            " SELECT %s, (SELECT h.desk_id FROM loket.holding h WHERE h.visitor_id = %s"
            "  ORDER BY h.since DESC LIMIT 1), %s"
            " ON CONFLICT (visitor_id) DO NOTHING",
            [(v, v, keys) for v, keys in rows],
        )


def has_schema(conn) -> bool:
    return conn.execute("SELECT to_regclass('loket.meta') IS NOT NULL").fetchone()[0]


def get_meta(conn, key: str) -> str | None:
    row = conn.execute("SELECT value FROM loket.meta WHERE key = %s", (key,)).fetchone()
    return None if row is None else row[0]


def put_meta(conn, key: str, value: str, *, replace: bool = False) -> None:
    action = "UPDATE SET value = excluded.value" if replace else "NOTHING"
    conn.execute(
        f"INSERT INTO loket.meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO {action}",
        (key, value),
    )


# -- workstations --------------------------------------------------------------------------
def add_workstation(
    conn, ws: str, name: str, desk_code: str | None, role: str, cert_serial: str | None
) -> None:
    """An administrator's act: the PC's role (LOGIN, member of loket_pc, nothing else) and
    its row.  The role's name is the CN of the PC's certificate."""
    from psycopg import sql

    conn.execute(
        sql.SQL(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {name}) THEN"
            " CREATE ROLE {role} LOGIN IN ROLE loket_pc; END IF; END $$"
        ).format(name=sql.Literal(role), role=sql.Identifier(role))
    )
    conn.execute(
        "INSERT INTO loket.workstation (id, name, desk_code, role_name, cert_serial)"
        " VALUES (%s, %s, %s, %s, %s)",
        (ws, name, desk_code, role, cert_serial),
    )


def workstations(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT id, name, desk_code, role_name, last_seq, audit_seq, audit_head, audit_broken"
        " FROM loket.workstation ORDER BY id"
    )
    return _all(cur)


def report(conn) -> dict:
    """What an administrator of the hub looks at: every PC (with its last contact: the later
    of its last sync round and its last batch, UTC), quarantined audit rows, refused
    batches, open conflicts and tasks."""
    stations = _all(
        conn.execute(
            "SELECT w.id, w.name, w.desk_code, w.last_seq, w.audit_seq, w.audit_broken,"
            " (SELECT max(received_at)::text FROM loket.batch b WHERE b.workstation = w.id)"
            " AS last_batch_at, to_char(greatest(w.last_contact_at, (SELECT max(received_at)"
            " FROM loket.batch b WHERE b.workstation = w.id)) AT TIME ZONE 'UTC',"
            ' \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') AS last_contact_at'
            " FROM loket.workstation w ORDER BY w.desk_code, w.name"
        )
    )
    quarantine = _all(
        conn.execute(
            "SELECT q.workstation, w.name, q.seq, q.reason, q.at::text"
            " FROM loket.audit_quarantine q"
            " LEFT JOIN loket.workstation w ON w.id = q.workstation ORDER BY q.id"
        )
    )
    refused = _all(
        conn.execute(
            "SELECT workstation, batch_id, reason, at::text FROM loket.refusal"
            " ORDER BY id DESC LIMIT 50"
        )
    )
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM loket.conflict WHERE resolved_at IS NULL),"
        " (SELECT count(*) FROM loket.task WHERE closed_at IS NULL)"
    ).fetchone()
    return {"workstations": stations, "audit_quarantine": quarantine, "refusals": refused,
            "conflicts_open": counts[0], "tasks_open": counts[1]}  # fmt: skip


# -- what a PC calls (through the functions) -----------------------------------------------
def open_batch(conn, batch_id: str, seq: int, sha: str, entries: int) -> dict:
    return conn.execute(
        "SELECT loket.open_batch(%s, %s, %s, %s)", (batch_id, seq, sha, entries)
    ).fetchone()[0]


def log_refusal(conn, batch_id: str | None, reason: str) -> None:
    conn.execute("SELECT loket.log_refusal(%s, %s)", (batch_id, reason))


def row(conn, table: str, row_id: str) -> dict | None:
    cur = conn.execute(
        "SELECT data, deleted, meta FROM loket.row WHERE table_name = %s AND row_id = %s",
        (table, row_id),
    )
    return _one(cur)


def put_row(conn, batch_id: str, table: str, row_id: str, data, meta, deleted: bool) -> None:
    conn.execute(
        "SELECT loket.put_row(%s, %s, %s, %s, %s, %s)",
        (batch_id, table, row_id, _json(data), _json(meta), deleted),
    )


def add_conflict(conn, batch_id: str, c: dict) -> None:
    conn.execute("SELECT loket.add_conflict(%s, %s)", (batch_id, _json(c)))


def scrub_conflicts(conn, batch_id: str, table: str, row_id: str, at: str) -> None:
    conn.execute("SELECT loket.scrub_conflicts(%s, %s, %s, %s)", (batch_id, table, row_id, at))


def add_task(conn, batch_id: str, task: dict) -> None:
    conn.execute("SELECT loket.add_task(%s, %s)", (batch_id, _json(task)))


def add_audit(conn, batch_id: str, rows: list, quarantine: list, seq: int, head: str,
              broken: bool) -> None:  # fmt: skip
    conn.execute(
        "SELECT loket.add_audit(%s, %s, %s, %s, %s, %s)",
        (batch_id, _json(rows), _json(quarantine), seq, head, broken),
    )


def checkpoint(conn, batch_id: str, at: str) -> None:
    conn.execute("SELECT loket.checkpoint(%s, %s)", (batch_id, at))


def resolve_conflict(conn, conflict_id: str, at: str, by: str | None, value: Any) -> bool:
    return conn.execute(
        "SELECT loket.resolve_conflict(%s, %s, %s, %s)", (conflict_id, at, by, _json(value))
    ).fetchone()[0]


def knows_holdings(conn) -> bool:
    """Whether the hub keeps which desks hold which files (and the keyed index): a hub whose
    `loket hub init` ran with this version."""
    return conn.execute(
        "SELECT to_regprocedure('loket.put_keys(uuid, text, text[])') IS NOT NULL"
    ).fetchone()[0]


def put_keys(conn, batch_id: str, visitor_id: str, keys: list[str]) -> None:
    conn.execute("SELECT loket.put_keys(%s, %s, %s)", (batch_id, visitor_id, keys))


def open_file(conn, visitor_id: str, staff: str | None) -> list[dict]:
    """Another desk's file, whole (logged at the hub); its rows as the feed gives them."""
    cur = conn.execute(
        "SELECT table_name, row_id, data, deleted FROM loket.open_file(%s, %s)",
        (visitor_id, staff),
    )
    return [{"table": r[0], "row_id": r[1], "data": r[2], "deleted": r[3]} for r in cur]


def my_desk(conn) -> str | None:
    return conn.execute("SELECT loket.my_desk()").fetchone()[0]


def holding(conn, desk_id: str, visitor_ids: list[str]) -> set[str]:
    """Which of these visitors the desk holds."""
    cur = conn.execute(
        "SELECT visitor_id FROM loket.holding WHERE desk_id = %s AND visitor_id = ANY(%s)",
        (desk_id, visitor_ids),
    )
    return {r[0] for r in cur}


def log_search(conn, kind: str, hits: int, staff: str | None) -> None:
    conn.execute("SELECT loket.log_search(%s, %s, %s)", (kind, hits, staff))


def searches(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT workstation, desk_id, staff, kind, hits FROM loket.search_log ORDER BY id"
    )
    return _all(cur)


def file_opens(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT workstation, desk_id, visitor_id, staff FROM loket.file_open ORDER BY id"
    )
    return _all(cur)


def close_task(conn, a: str, b: str, reason: str, outcome: str, at: str, by: str | None) -> bool:
    """This PC's decision on a pair; False when the hub had one already."""
    return conn.execute(
        "SELECT loket.close_task(%s, %s, %s, %s, %s, %s)", (a, b, reason, outcome, at, by)
    ).fetchone()[0]


def record_contact(conn) -> bool:
    return conn.execute("SELECT loket.record_contact()").fetchone()[0]


def register_chain_key(conn, key: bytes) -> bool:
    return conn.execute("SELECT loket.register_chain_key(%s)", (key,)).fetchone()[0]


def rows_with_number(conn, column: str, number: str, other_than: str) -> list[str]:
    """Visitors at the hub holding this V-nummer or BSN, not anonymised, not `other_than`."""
    assert column in ("v_number", "bsn")
    cur = conn.execute(
        f"SELECT row_id FROM loket.row WHERE table_name = 'visitor' AND NOT deleted"
        f" AND data->>'{column}' = %s AND row_id <> %s"
        " AND (data->>'anonymised_at') IS NULL ORDER BY row_id",
        (number, other_than),
    )
    return [r[0] for r in cur.fetchall()]


# -- what an administrator (and the tests) read --------------------------------------------
def refusals(conn) -> list[dict]:
    return _all(conn.execute("SELECT workstation, batch_id, reason FROM loket.refusal ORDER BY id"))


def table_rows(conn, table: str, desk_id: str | None = None, also=()) -> list[dict]:
    """A table's live rows; with `desk_id` those a PC of that desk holds, and the files of
    the visitors `also` (fetched there)."""
    from psycopg import sql

    scope = _scope(desk_id)
    if desk_id is not None and also:
        scope = sql.SQL(" AND (r.visitor_id = ANY({also}) OR true{scope})").format(
            also=sql.Literal(list(also)), scope=scope
        )
    cur = conn.execute(
        sql.SQL(
            "SELECT row_id, data FROM loket.row r WHERE table_name = %s AND NOT deleted{scope}"
            " ORDER BY row_id"
        ).format(scope=scope),
        (table,),
    )
    return [{"row_id": r[0], "data": r[1]} for r in cur.fetchall()]


def count_rows(conn) -> int:
    return conn.execute("SELECT count(*) FROM loket.row WHERE NOT deleted").fetchone()[0]


def conflicts(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT id::text, table_name, row_id, field, base_value, hub_value, incoming_value,"
        " incoming_workstation, resolved_at FROM loket.conflict ORDER BY created_at, id"
    )
    return _all(cur)


def tasks(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT id::text, kind, visitor_id, other_visitor_id, reason, closed_at, outcome,"
        " closed_by FROM loket.task ORDER BY visitor_id, other_visitor_id"
    )
    return _all(cur)


def quarantined(conn) -> list[dict]:
    cur = conn.execute("SELECT workstation, seq, reason FROM loket.audit_quarantine ORDER BY id")
    return _all(cur)


def checkpoints(conn) -> list[dict]:
    cur = conn.execute("SELECT seq, at, heads, prev_hash, hash FROM loket.checkpoint ORDER BY seq")
    return _all(cur)


# -- the pull feed -------------------------------------------------------------------------
UNKNOWN_DESK = ""  # a desk id no holding has: the feed of a PC whose desk the hub lacks
TASK_COLUMNS = (
    "SELECT id::text, kind, visitor_id, other_visitor_id, reason, created_at, closed_at,"
    " outcome, closed_by FROM loket.task"
)


def tasks_about(conn, visitor_ids: list[str]) -> list[dict]:
    """The hub's tasks naming any of these visitors (a file fetched: what was decided on it)."""
    cur = conn.execute(
        f"{TASK_COLUMNS} WHERE visitor_id = ANY(%s) OR other_visitor_id = ANY(%s)",
        (visitor_ids, visitor_ids),
    )
    return _all(cur)


FEED_PAGE = 5000


@contextmanager
def feed(conn, cursor: int, tables: tuple[str, ...]) -> Iterator[dict]:
    """Everything written by a transaction with xid >= cursor, read in one snapshot, and the
    next cursor: that snapshot's xmin (every older transaction has ended, so none of its
    rows can appear later).  Rows at or above it come again next time: applying them is
    idempotent.  "rows" is streamed from a server-side cursor, FEED_PAGE rows at a time, so
    a new PC's first pull of a million visitors is never held in memory whole; read it
    inside the `with`."""
    from psycopg import sql

    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        nxt = int(
            conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()[0]
        )
        # a hub from before desks held files (its `loket hub init` not yet run): everything,
        # as then, and no keyed index
        holds = knows_holdings(conn)
        desk = None
        if holds:
            desk, code = conn.execute("SELECT loket.my_desk(), loket.my_desk_code()").fetchone()
            if desk is None and code:
                # enrolled for a desk the hub does not know (yet): the shared tables only,
                # never every desk's files
                log.warning("this PC's desk %s is not known at the hub", code)
                desk = UNKNOWN_DESK
        since = (str(cursor),)
        # the conflicts of the rows this PC holds (they carry the rows' values)
        conflict_rows = _all(
            conn.execute(
                sql.SQL(
                    "SELECT c.id::text, c.table_name, c.row_id, field, base_value, hub_value,"
                    " incoming_value, hub_workstation, hub_staff, hub_at, incoming_workstation,"
                    " incoming_staff, incoming_at, desk_id, created_at, resolved_at,"
                    " resolved_by, resolution FROM loket.conflict c"
                    " WHERE c.xid >= %s::text::xid8 AND EXISTS (SELECT 1 FROM loket.row r"
                    "  WHERE r.table_name = c.table_name AND r.row_id = c.row_id{scope})"
                    " ORDER BY c.xid"
                ).format(scope=_scope(desk)),
                since,
            )
        )
        task_rows = _all(conn.execute(f"{TASK_COLUMNS} WHERE xid >= %s::text::xid8", since))
        checkpoint_rows = _all(
            conn.execute(
                "SELECT seq, at, heads, prev_hash, hash FROM loket.checkpoint"
                " WHERE xid >= %s::text::xid8 ORDER BY seq",
                since,
            )
        )

        def rows(only: tuple[str, ...] = tables) -> Iterator[dict]:
            with conn.cursor(name="loket_feed") as cur:
                cur.itersize = FEED_PAGE
                cur.execute(
                    sql.SQL(
                        "SELECT table_name, row_id, data, deleted FROM loket.row r"
                        " WHERE xid >= %s::text::xid8 AND table_name = ANY(%s){scope}"
                        " ORDER BY xid, table_name, row_id"
                    ).format(scope=_scope(desk)),
                    (str(cursor), list(only)),
                )
                for r in cur:
                    yield {"table": r[0], "row_id": r[1], "data": r[2], "deleted": r[3]}

        def keys() -> Iterator[tuple[str, str | None, list[str], bool, bool]]:
            """The keyed index of the visitors whose index changed: (visitor, desk, keys,
            whether this PC's desk holds the file -- then the PC has it whole instead --,
            whether the file is gone: erased or merged into another)."""
            if not holds:
                return
            held = (
                sql.SQL("true")
                if desk is None
                else sql.SQL(
                    "EXISTS (SELECT 1 FROM loket.holding h WHERE h.visitor_id = k.visitor_id"
                    " AND h.desk_id = {desk})"
                ).format(desk=sql.Literal(desk))
            )
            with conn.cursor(name="loket_keys") as cur:
                cur.itersize = FEED_PAGE
                cur.execute(
                    sql.SQL(
                        "SELECT k.visitor_id, k.desk_id, k.keys, {held},"
                        " coalesce((SELECT v.deleted OR v.data->>'anonymised_at' IS NOT NULL"
                        "  OR v.data->>'merged_into' IS NOT NULL FROM loket.row v"
                        "  WHERE v.table_name = 'visitor' AND v.row_id = k.visitor_id), true)"
                        " FROM loket.visitor_key k WHERE k.xid >= %s::text::xid8"
                        " ORDER BY k.visitor_id"
                    ).format(held=held),
                    (str(cursor),),
                )
                yield from cur

        def table_rows(
            table: str, columns: list[tuple[str, str]], needed: list[str]
        ) -> Iterator[tuple]:
            """One table's live rows as tuples of `columns` (name, SQLite type), straight out
            of a COPY: text for every value (the SQLite column's affinity converts it as the
            JSON value would be), bytes for a BLOB, None for a missing one.  The last value
            is None when the row has all of `needed` (the columns with a default), else its
            whole data as JSON text (applied the slow way)."""
            yield from _copy_table(conn, cursor, table, columns, needed, desk)

        def changed_files(visitor_ids: list[str]) -> list[str]:
            """Of these files (fetched by this PC, not its desk's), those changed since."""
            if not visitor_ids or not holds:
                return []
            held = sql.SQL("")
            if desk is not None:  # a file the desk holds came with the feed itself
                held = sql.SQL(
                    " AND NOT EXISTS (SELECT 1 FROM loket.holding h"
                    " WHERE h.visitor_id = r.visitor_id AND h.desk_id = {desk})"
                ).format(desk=sql.Literal(desk))
            cur = conn.execute(
                sql.SQL(
                    "SELECT DISTINCT visitor_id FROM loket.row r"
                    " WHERE visitor_id = ANY(%s) AND xid >= %s::text::xid8{held}"
                ).format(held=held),
                (visitor_ids, str(cursor)),
            )
            return [r[0] for r in cur]

        yield {
            "cursor": nxt,
            "desk": None if desk == UNKNOWN_DESK else desk,
            "keys": keys,
            "changed_files": changed_files,
            "rows": rows(),
            "select": rows,
            "table_rows": table_rows,
            "conflicts": conflict_rows,
            "tasks": task_rows,
            "checkpoints": checkpoint_rows,
        }


def _scope(desk: str | None):
    """The rows a PC of `desk` pulls: the shared tables' and its desk's files (all rows for
    a PC without a desk: a national one, or the administrator's connection).  A row of a
    file's table that names no visitor (it came before its parent) goes to no desk's PC:
    `loket hub init` tags it."""
    from psycopg import sql

    if desk is None:
        return sql.SQL("")
    return sql.SQL(
        " AND (CASE WHEN r.visitor_id IS NULL THEN r.table_name <> ALL({files})"
        " ELSE EXISTS (SELECT 1 FROM loket.holding h"
        " WHERE h.visitor_id = r.visitor_id AND h.desk_id = {desk}) END)"
    ).format(desk=sql.Literal(desk), files=sql.Literal(list(tables.FILE_TABLES)))


def _copy_table(
    conn,
    cursor: int,
    table: str,
    columns: list[tuple[str, str]],
    needed: list[str],
    desk: str | None = None,
) -> Iterator[tuple]:
    from psycopg import sql

    values = [
        sql.SQL("decode(data->>{c}, 'hex')" if kind == "BLOB" else "data->>{c}").format(
            c=sql.Literal(name)
        )
        for name, kind in columns
    ]
    query = sql.SQL(
        "COPY (SELECT {values}, CASE WHEN data ?& {names} THEN NULL ELSE data::text END"
        " FROM loket.row r WHERE xid >= {since}::xid8 AND table_name = {table} AND NOT deleted"
        "{scope}) TO STDOUT"
    ).format(
        scope=_scope(desk),
        values=sql.SQL(", ").join(values),
        names=sql.Literal(needed),
        since=sql.Literal(str(cursor)),
        table=sql.Literal(table),
    )
    types = ["bytea" if kind == "BLOB" else "text" for _name, kind in columns] + ["text"]
    with conn.cursor() as cur, cur.copy(query) as copy:
        copy.set_types(types)
        yield from copy.rows()


def read_feed(conn, cursor: int, tables: tuple[str, ...]) -> dict:
    """The feed with its rows in a list (small feeds, tests)."""
    with feed(conn, cursor, tables) as f:
        return {**f, "rows": list(f["rows"]), "keys": list(f["keys"]())}


# -- helpers -------------------------------------------------------------------------------
def _json(value: Any) -> str | None:
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _one(cur) -> dict | None:
    row = cur.fetchone()
    if row is None:
        return None
    return {d.name: v for d, v in zip(cur.description, row, strict=True)}


def _all(cur) -> list[dict]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- reading across desks ------------------------------------------------------------------
REFERRAL_LOG_COLUMNS = (
    "referral_id", "created_at", "desk", "visit_date", "organisation", "service", "handover",
    "status", "status_changed_at",
)  # fmt: skip


def referral_log_query(desk_code: str | None = None):
    """The query of the referral log of every desk (or one), pseudonymised (no visitor), as
    CSV rows in the order of REFERRAL_LOG_COLUMNS (a psycopg sql.Composed)."""
    from psycopg import sql

    where = sql.SQL("")
    if desk_code:
        where = sql.SQL(" AND d.data->>'code' = {code}").format(code=sql.Literal(desk_code))
    return sql.SQL(
        "SELECT r.row_id, r.data->>'created_at', d.data->>'code', v.data->>'visit_date',"
        " o.data->>'name', s.data->>'name', r.data->>'handover', r.data->>'status',"
        " r.data->>'status_changed_at'"
        " FROM loket.row r"
        " JOIN loket.row v ON v.table_name = 'visit' AND v.row_id = r.data->>'visit_id'"
        " JOIN loket.row d ON d.table_name = 'desk' AND d.row_id = v.data->>'desk_id'"
        " JOIN loket.row s ON s.table_name = 'service' AND s.row_id = r.data->>'service_id'"
        " LEFT JOIN loket.row o ON o.table_name = 'organisation'"
        "  AND o.row_id = s.data->>'organization_id'"
        " WHERE r.table_name = 'referral' AND NOT r.deleted{where}"
        " ORDER BY r.data->>'created_at', r.row_id"
    ).format(where=where)


def copy_referral_log(conn, out, desk_code: str | None = None) -> int:
    """The referral log of every desk (or one), pseudonymised (no visitor), streamed with
    COPY into the binary file object `out`.  Returns the bytes written."""
    from psycopg import sql

    query = sql.SQL("COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER false)").format(
        query=referral_log_query(desk_code)
    )
    written = out.write((",".join(REFERRAL_LOG_COLUMNS) + "\n").encode())
    with conn.cursor() as cur, cur.copy(query) as copy:
        for block in copy:
            written += out.write(block)
    return written
