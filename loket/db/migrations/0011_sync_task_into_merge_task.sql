-- Loket schema version 11: one table for "possibly the same visitor".
-- The hub's tasks (the same V-nummer or BSN registered on two PCs) are pulled into
-- merge_task, where this PC's own finds already are and staff decide them; sync_task, the
-- hub side's first place for them, goes.  Its open tasks move over (both files must be here).
INSERT OR IGNORE INTO merge_task (id, visitor_a, visitor_b, reason, desk_id, created_at,
                                  updated_at, workstation)
SELECT t.id,
       min(t.visitor_id, t.other_visitor_id),
       max(t.visitor_id, t.other_visitor_id),
       t.reason, NULL, t.created_at, t.created_at, 'hub'
  FROM sync_task t
 WHERE t.closed_at IS NULL
   AND t.kind = 'possible_duplicate'
   AND t.reason IN ('v_number', 'bsn')
   AND t.visitor_id <> t.other_visitor_id
   AND EXISTS (SELECT 1 FROM visitor WHERE id = t.visitor_id)
   AND EXISTS (SELECT 1 FROM visitor WHERE id = t.other_visitor_id);
DROP TABLE sync_task;
