"""SQL at the hub for administrators at a PC: the PCs of their desk with their last contact
(the later of its last sync round, `loket.record_contact`, and its last batch), and revoking
one; and the indexes that reading across PCs needs (the referral log's pages
by key, a visit's needs, a referral's steps, a visitor's visits).  Installed with the hub's
schema (`loket.db.hub.init_schema`).

A PC's role may call these functions only for PCs of its own desk; revoking sets the target's
role NOLOGIN (PostgreSQL refuses its next connection), ends its open sessions and records who
did it, so the revoked PC can neither push nor pull.  A PC cannot revoke itself.
"""

from __future__ import annotations

STATEMENTS = [
    """CREATE INDEX IF NOT EXISTS row_referral_created ON loket.row
        ((data->>'created_at'), row_id) WHERE table_name = 'referral' AND NOT deleted""",
    """CREATE INDEX IF NOT EXISTS row_visit_need_visit ON loket.row ((data->>'visit_id'))
        WHERE table_name = 'visit_need'""",
    """CREATE INDEX IF NOT EXISTS row_referral_event_referral ON loket.row
        ((data->>'referral_id')) WHERE table_name = 'referral_event'""",
    """CREATE INDEX IF NOT EXISTS row_visit_visitor ON loket.row ((data->>'visitor_id'))
        WHERE table_name = 'visit'""",
    "ALTER TABLE loket.workstation ADD COLUMN IF NOT EXISTS revoked_at timestamptz",
    "ALTER TABLE loket.workstation ADD COLUMN IF NOT EXISTS revoked_by text",
    """CREATE OR REPLACE FUNCTION loket.desk_pcs()
        RETURNS TABLE (id text, name text, desk_code text, last_contact timestamptz,
                       enrolled_at timestamptz, revoked_at timestamptz, is_me boolean)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE me loket.workstation;
        BEGIN
            SELECT * INTO me FROM loket.workstation w WHERE w.role_name = session_user;
            IF NOT FOUND THEN RAISE EXCEPTION 'loket: not enrolled'; END IF;
            RETURN QUERY
              SELECT w.id, w.name, w.desk_code,
                     greatest(w.last_contact_at, (SELECT max(b.received_at)
                                FROM loket.batch b WHERE b.workstation = w.id)),
                     w.enrolled_at, w.revoked_at, w.id = me.id
                FROM loket.workstation w
               WHERE w.desk_code IS NOT DISTINCT FROM me.desk_code
               ORDER BY w.name, w.id;
        END $$""",
    """CREATE OR REPLACE FUNCTION loket.revoke_pc(p_ws text, p_by text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, loket AS $$
        DECLARE me loket.workstation; target loket.workstation;
        BEGIN
            SELECT * INTO me FROM loket.workstation w WHERE w.role_name = session_user;
            IF NOT FOUND THEN RAISE EXCEPTION 'loket: not enrolled'; END IF;
            SELECT * INTO target FROM loket.workstation w WHERE w.id = p_ws FOR UPDATE;
            IF NOT FOUND OR target.desk_code IS DISTINCT FROM me.desk_code THEN
                RAISE EXCEPTION 'loket: no such PC at this desk';
            END IF;
            IF target.id = me.id THEN RAISE EXCEPTION 'loket: a PC cannot revoke itself'; END IF;
            IF target.revoked_at IS NOT NULL THEN RETURN; END IF;
            UPDATE loket.workstation SET revoked_at = now(),
                   revoked_by = left(p_by, 100) || ' at ' || me.name
             WHERE id = target.id;
            EXECUTE format('ALTER ROLE %I NOLOGIN', target.role_name);
            PERFORM pg_terminate_backend(a.pid) FROM pg_stat_activity a
              WHERE a.usename = target.role_name;
        END $$""",
]  # the hub's GRANTS, which follow, let loket_pc (and only it) execute them


def desk_pcs(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT id, name, desk_code, last_contact, enrolled_at, revoked_at, is_me"
        " FROM loket.desk_pcs()"
    )
    names = [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def revoke_pc(conn, workstation: str, by: str) -> None:
    conn.execute("SELECT loket.revoke_pc(%s, %s)", (workstation, by))
