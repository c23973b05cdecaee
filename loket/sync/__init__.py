"""The PC side of the hub: change capture (the outbox), push and pull, conflicts, enrolment;
where sync stands (`status`) and what staff decide (`decide`, an ordinary edit).

May import the base, `loket.db`, `loket.privacy` and the use cases of `loket.counter` and
`loket.referrals`; all SQL (SQLite and PostgreSQL alike) lives in `loket.db`.  `tables` imports
nothing.
"""
