"""A colleague's own settings: stored per user, validated, audited."""

from __future__ import annotations

import pytest

from loket.context import Context
from loket.counter import preferences
from loket.counter.preferences import Preferences
from loket.errors import PermissionDenied, ValidationError
from tests.helpers import context


def test_defaults_for_a_new_user(db):
    ctx = context(db)
    assert preferences.load(ctx) == Preferences(language="nl", text_scale=100, high_contrast=False)


def test_saved_preferences_follow_the_user(db):
    ctx = context(db, username="balie1")
    preferences.save(ctx, Preferences(language="ar", text_scale=175, high_contrast=True))
    again = context(db, username="balie1")  # a new sign-in, e.g. at another counter PC
    assert preferences.load(again) == Preferences("ar", 175, True)
    assert again.user.language == "ar"
    other = context(db, username="balie2")
    assert preferences.load(other) == Preferences()
    rows = db.all("SELECT * FROM audit_log WHERE action = 'preferences.update'")
    assert len(rows) == 1 and rows[0]["actor"] == "balie1"
    assert "high_contrast" in rows[0]["detail"] and "175" not in rows[0]["detail"]


@pytest.mark.parametrize(
    ("prefs", "field"),
    [
        (Preferences(language="xx"), "language"),
        (Preferences(text_scale=250), "text_scale"),
        (Preferences(text_scale=50), "text_scale"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(db, prefs, field):
    ctx = context(db)
    preferences.save(ctx, Preferences("en", 125, False))
    with pytest.raises(ValidationError) as err:
        preferences.save(ctx, prefs)
    assert field in err.value.errors
    assert preferences.load(ctx) == Preferences("en", 125, False)


def test_nobody_signed_in(db):
    ctx = Context(db=db)
    assert preferences.load(ctx) == Preferences()
    with pytest.raises(PermissionDenied):
        preferences.save(ctx, Preferences())
