"""The PC side of the hub: change capture (the outbox), push and pull, conflicts, enrolment.

May import the base, `loket.db` and `loket.privacy`; all SQL (SQLite and PostgreSQL alike)
lives in `loket.db.outbox` and `loket.db.hub`.  `tables` imports nothing.
"""
