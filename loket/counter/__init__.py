"""Serving a visitor at the counter: visitors, visits and needs, search and its text
folding, drafts, appointments, today's list and a colleague's preferences.
May import the top-level base, `loket.db`, `loket.i18n` and `loket.privacy`.
"""
