"""Accounts, sign-in and permissions, the audit trail, retention, the visitor's rights
(access, erasure) and backups/restore.
May import the top-level base, `loket.db`, `loket.i18n` and `loket.letters` (access PDF).
"""
