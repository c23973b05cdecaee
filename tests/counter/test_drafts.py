"""Drafts of unsaved forms: saved and overwritten, listed per staff member, restored, discarded."""

from __future__ import annotations

import pytest

from loket.context import Context
from loket.counter import drafts
from loket.errors import NotFound, PermissionDenied, ValidationError
from tests.helpers import context


def actions(db):
    return [r["action"] for r in db.all("SELECT action FROM audit_log ORDER BY seq")]


def test_save_overwrite_list_load_discard(db):
    ctx = context(db)
    draft_id = drafts.save_draft(ctx, "visitor", {"given_names": "Ayşe"})
    again = drafts.save_draft(
        ctx, "visitor", {"given_names": "Ayşe", "family_name": "Yılmaz"}, draft_id=draft_id
    )
    assert again == draft_id
    listed = drafts.list_drafts(ctx)
    assert [d.id for d in listed] == [draft_id]
    assert listed[0].payload == {"given_names": "Ayşe", "family_name": "Yılmaz"}
    loaded = drafts.load_draft(ctx, draft_id)
    assert loaded.kind == "visitor"
    drafts.discard_draft(ctx, draft_id, saved=True)
    assert drafts.list_drafts(ctx) == []
    with pytest.raises(NotFound):
        drafts.load_draft(ctx, draft_id)
    # One audit row for the start, none for the overwrite, then restore and saved.
    assert [a for a in actions(db) if a.startswith("draft.")] == [
        "draft.create",
        "draft.restore",
        "draft.saved",
    ]


def test_drafts_belong_to_their_author(db):
    mine = context(db, username="balie1")
    other = context(db, username="balie2")
    draft_id = drafts.save_draft(mine, "visit", {"summary": "x"}, visitor_id="v1")
    assert drafts.list_drafts(other) == []
    with pytest.raises(NotFound):
        drafts.load_draft(other, draft_id)
    with pytest.raises(NotFound):
        drafts.discard_draft(other, draft_id)
    with pytest.raises(NotFound):
        drafts.save_draft(other, "visit", {"summary": "overwritten"}, draft_id=draft_id)
    assert drafts.load_draft(mine, draft_id).payload == {"summary": "x"}
    assert drafts.load_draft(mine, draft_id).visitor_id == "v1"


def test_ids_chosen_by_the_form_are_kept(db):
    ctx = context(db)
    first = drafts.save_draft(ctx, "visitor", {"n": 1}, draft_id="form-1")
    second = drafts.save_draft(ctx, "visit", {"n": 2})
    assert first == "form-1"
    drafts.save_draft(ctx, "visitor", {"n": 3}, draft_id=first)
    assert {d.id: d.payload for d in drafts.list_drafts(ctx)}[first] == {"n": 3}
    assert {d.id for d in drafts.list_drafts(ctx)} == {first, second}


def test_bad_drafts_are_refused_and_nothing_is_written(db):
    ctx = context(db)
    with pytest.raises(ValidationError):
        drafts.save_draft(ctx, "letter", {"x": 1})
    with pytest.raises(ValidationError):
        drafts.save_draft(ctx, "visitor", {"x": object()})
    with pytest.raises(ValidationError):
        drafts.save_draft(ctx, "visitor", {"x": "a" * (drafts.MAX_PAYLOAD + 1)})
    with pytest.raises(ValidationError):
        drafts.save_draft(ctx, "visitor", ["not", "a", "dict"])  # type: ignore[arg-type]
    assert db.scalar("SELECT count(*) FROM draft") == 0


def test_signed_out_and_read_only_roles_cannot_draft(db):
    with pytest.raises(PermissionDenied):
        drafts.save_draft(Context(db=db), "visitor", {"x": 1})
    assert drafts.list_drafts(Context(db=db)) == []
    assert "visitor.write" in actions(db)  # the refusal is logged


def test_a_lone_surrogate_is_kept_as_typed_and_the_draft_still_erasable(db):
    """A broken paste in a form must not stop its draft (the autosave would fail on every
    keystroke): the draft comes back exactly as typed, and is found by the visitor's name."""
    from loket.privacy.retention import drafts_naming

    ctx = context(db)
    typed = {"given_names": "محمد", "family_name": "Al\udcffAhmad", "v_number": "6234567890"}
    draft_id = drafts.save_draft(ctx, "visitor", typed)
    assert drafts.load_draft(ctx, draft_id).payload == typed
    erased = {"given_names": "محمد", "family_name": "x", "v_number": "6234567890", "bsn": None}
    erased |= {"id": "someone", "latin_given_names": "", "latin_family_name": ""}
    assert draft_id in drafts_naming(db, erased)
