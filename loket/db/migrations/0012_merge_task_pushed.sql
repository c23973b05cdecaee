-- Loket schema version 12: a decided merge task travels.
-- merge_task.pushed_at: when the hub took this PC's decision on the pair (dismissed: "two
-- people"; merged), through loket.close_task.  NULL on a decided task: still to send, so a
-- round that was lost sends it again.  A task closed here because the hub said so (another
-- PC decided) is stamped when it is closed: it is not sent back.  Tasks decided before this
-- version are sent at the next round (the hub takes a pair's first decision only).
ALTER TABLE merge_task ADD COLUMN pushed_at TEXT;
CREATE INDEX merge_task_to_push ON merge_task(decided_at)
    WHERE status <> 'open' AND pushed_at IS NULL;
