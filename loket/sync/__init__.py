"""The PC side of the hub: change capture (the outbox), push and pull, conflicts, enrolment;
where sync stands (`status`) and what staff decide (`decide`, an ordinary edit); reading
across PCs at the hub (`reading`: the referral log, exports, overview; `elsewhere`: visitors
of other desks; `pcs`: the desk's PCs, revoking one).

May import the base, `loket.db`, `loket.privacy` and the use cases of `loket.counter`,
`loket.referrals` and `loket.reports`; all SQL (SQLite and PostgreSQL alike) lives in
`loket.db`.  `tables` imports nothing.
"""
