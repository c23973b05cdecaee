"""The PC side of the hub: where sync stands (`status`), what staff decide (`decide`), and the
outbox, push/pull and enrolment.  May import the base, `loket.db`, `loket.privacy` and the
use cases of `loket.counter` and `loket.referrals` (a decision is an ordinary edit).
"""
