"""Accounts, sign-in and permissions, the audit trail and its keys (`keystore`: the OS key
store, or a file where there is none), retention, the visitor's rights (access, erasure) and
backups/restore.
May import the top-level base, `loket.db`, `loket.i18n` and `loket.letters` (access PDF).
"""
