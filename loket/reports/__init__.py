"""What supervisors take away: exports (CSV, XLSX, PDF), their formats and pseudonyms,
and the overview.  May import the base, `loket.db`, `loket.i18n`, `loket.privacy`, `loket.letters`.
"""
