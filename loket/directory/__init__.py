"""The partner directory: browsing, the editor and its field checks, opening hours,
HSDS read/write/JSON/apply, routing (and where a service is local) and the seed directory.
May import the top-level base, `loket.db`, `loket.i18n` and `loket.privacy`.
"""
