"""Contexts the directory tests sign in with: a supervisor who edits, a counter clerk."""

from __future__ import annotations

import pytest

from tests.helpers import context


@pytest.fixture
def editor(db):
    return context(db, "supervisor", username="chef")


@pytest.fixture
def ctx(db):
    return context(db, "balie")
