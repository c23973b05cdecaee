"""The one place with SQL: the connection, numbered migrations and one repository module per
aggregate.  May import the base, `loket.i18n` and `loket.counter.textfold` (the search text
the connection registers as an SQL function).
"""
