"""Giving a letter: recorded only once handed over, refused without a phone number to call or
without referrals, sensitive needs off paper by default, reprints, and readable messages."""

from __future__ import annotations

import pytest

from loket import letters
from loket.cli import main
from loket.errors import LoketError, ValidationError
from loket.i18n import _
from tests.helpers import PASSWORD
from tests.letters.test_render import page_texts
from tests.letters_support import letter_visit, next_week_at


def no_phone() -> str:
    return _(
        "This letter has no phone number for the visitor to call, so it cannot be given yet. "
        "Ask the administrator to fill in the desk's phone number (Administration › Loket "
        "settings)."
    )


def no_referrals() -> str:
    return _(
        "This visit has no referrals, so there is nothing to put in this letter. Refer the "
        "visitor to a partner first, or choose another letter."
    )


def _counts(db) -> tuple[int, int]:
    return (
        db.scalar("SELECT count(*) FROM letter"),
        db.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'letter.%'"),
    )


def _no_phone(db):
    ctx, visit_id = letter_visit(db, desk_phone=None)
    with db.transaction():
        db.execute("UPDATE staff SET phone = NULL WHERE id = ?", (ctx.user.id,))
    return ctx, visit_id


def _cli(ctx, *args: str) -> int:
    return main(["letters", *args, "--user", ctx.user.username])


def _appt() -> letters.Appointment:
    return letters.Appointment(next_week_at(10, 30), "Stationsplein 1, Zwolle", "", [])


# -- a phone number to call ---------------------------------------------------------------------


def test_the_appointment_letter_says_which_number_to_call(db):
    ctx, visit_id = letter_visit(db)
    with db.transaction():
        db.execute("UPDATE staff SET phone = NULL WHERE id = ?", (ctx.user.id,))
    letter = letters.compose(ctx, visit_id, "afspraak", "en", appointment=_appt())
    pages = [p.replace("\xa0", " ") for p in page_texts(letter.pdf)]
    english, dutch = pages[0], pages[-1]
    assert "Bel dan zo snel mogelijk naar 038 456 7890." in dutch.replace("\r\n", " ")
    assert "call 038 456 7890 as soon as possible" in english.replace("\r\n", " ")
    assert letter.problems == []


def test_without_any_phone_number_the_letter_is_previewed_but_not_given(db):
    ctx, visit_id = _no_phone(db)
    letter = letters.compose(ctx, visit_id, "plan", "ar")
    assert letter.pdf.startswith(b"%PDF")
    assert letter.problems == [no_phone()]
    with pytest.raises(LoketError) as refused:
        letters.record(ctx, letter)
    assert str(refused.value) == no_phone()
    with pytest.raises(LoketError):
        letters.produce(ctx, visit_id, "afspraak", "nl", appointment=_appt())
    assert _counts(db) == (0, 0)
    assert db.scalar("SELECT count(*) FROM appointment") == 0


def test_cli_refuses_to_give_a_letter_without_a_phone_number(db, data_dir, tmp_path, capsys):
    ctx, visit_id = _no_phone(db)
    out = tmp_path / "brief.pdf"
    args = ("render", "--visit", visit_id, "--template", "plan", "--lang", "uk", "--out", str(out))
    rc = _cli(ctx, *args, "--produce")
    err = capsys.readouterr().err
    assert rc != 0 and no_phone() in err and "Traceback" not in err
    assert "loket letters phone --desk" in err  # the command line gets the command
    assert "loket letters" not in no_phone()  # the app's sentence names none
    assert not out.exists() and _counts(db) == (0, 0)
    # a preview file may still be made, with the warning
    assert _cli(ctx, *args) == 0 and out.exists()
    err = capsys.readouterr().err
    assert no_phone() in err and "loket letters phone --desk" in err


# -- recorded only once handed over ---------------------------------------------------------------


def test_cli_missing_folder_is_a_clear_error_and_records_nothing(db, data_dir, tmp_path, capsys):
    ctx, visit_id = letter_visit(db)
    out = tmp_path / "missing" / "x.pdf"
    rc = _cli(
        ctx,
        *("render", "--visit", visit_id, "--template", "plan", "--lang", "ar"),
        *("--out", str(out), "--produce"),
    )
    err = capsys.readouterr().err
    assert rc != 0 and "Traceback" not in err
    expected = _("The folder {folder} does not exist. Choose an existing folder.")
    assert expected.format(folder=tmp_path / "missing") in err
    assert _counts(db) == (0, 0)


def test_write_errors_become_clear_messages(db, tmp_path):
    target = tmp_path / "a-folder"
    target.mkdir()
    with pytest.raises(LoketError) as caught:
        letters.write_file(target, b"%PDF")  # a folder where the file should go
    assert str(caught.value).startswith(_("Could not write {path}: {reason}").split("{")[0])
    assert list(target.iterdir()) == []


def test_cli_produce_records_after_writing(db, data_dir, tmp_path, capsys):
    ctx, visit_id = letter_visit(db)
    out = tmp_path / "brief.pdf"
    rc = _cli(
        ctx,
        *("render", "--visit", visit_id, "--template", "plan", "--lang", "ti"),
        *("--out", str(out), "--produce"),
    )
    assert rc == 0
    row = db.one("SELECT pdf FROM letter")
    assert bytes(row["pdf"]) == out.read_bytes()
    err = capsys.readouterr().err
    assert letters.language_names(["ti"]) in err  # the warning names the language


# -- reprint -----------------------------------------------------------------------------------


def test_cli_reprint_writes_identical_bytes_and_logs_it(db, data_dir, tmp_path, capsys):
    ctx, visit_id = letter_visit(db)
    given = letters.produce(ctx, visit_id, "verwijzing", "fa")
    out = tmp_path / "again.pdf"
    assert _cli(ctx, "reprint", "--letter", given.id, "--out", str(out)) == 0
    assert out.read_bytes() == given.pdf
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter.reprint'") == 1
    assert _cli(ctx, "given", "--visit", visit_id) == 0
    listed = capsys.readouterr().out
    assert given.id in listed and letters.template_title("verwijzing") in listed
    assert letters.language_names(["fa", "nl"]) in listed and "fa,nl" not in listed
    missing = tmp_path / "nope" / "again.pdf"
    assert _cli(ctx, "reprint", "--letter", given.id, "--out", str(missing)) != 0
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter.reprint'") == 1


def test_archived_letter_is_logged_only_when_handed_over(db):
    ctx, visit_id = letter_visit(db)
    given = letters.produce(ctx, visit_id, "plan", "so")
    again = letters.archived(ctx, given.id)
    assert again.pdf == given.pdf and again.languages == ["so", "nl"]
    assert again.template == "plan" and again.visit_id == visit_id and again.unchecked == ["so"]
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter.reprint'") == 0
    letters.record_reprint(ctx, again)
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter.reprint'") == 1
    label = letters.letter_label(dict(db.one("SELECT * FROM letter")))
    title, names = letters.template_title("plan"), letters.language_names(["so", "nl"])
    assert label.startswith(f"{title} — {names} — ") and "so,nl" not in label


# -- what the letter says ------------------------------------------------------------------------


def test_sensitive_needs_stay_off_paper_unless_included(db, data_dir, tmp_path):
    ctx, visit_id = letter_visit(db, needs=("debts", "health", "domestic_violence"))
    plain = "\n".join(page_texts(letters.compose(ctx, visit_id, "plan", "en").pdf))
    assert "Uw gezondheid" not in plain and "Veiligheid thuis" not in plain
    assert "Geld en schulden" in plain
    letter = letters.compose(ctx, visit_id, "plan", "en", include_sensitive=True)
    full = "\n".join(page_texts(letter.pdf))
    assert "Uw gezondheid" in full and "Veiligheid thuis" in full
    letters.record(ctx, letter)
    logged = db.one("SELECT detail FROM audit_log WHERE action = 'letter.produce'")["detail"]
    assert '"sensitive_needs": true' in logged
    out = tmp_path / "b.pdf"
    args = ("render", "--visit", visit_id, "--template", "plan", "--lang", "nl", "--out", str(out))
    assert _cli(ctx, *args) == 0
    assert "Uw gezondheid" not in "\n".join(page_texts(out.read_bytes()))
    assert _cli(ctx, *args, "--include-sensitive") == 0
    assert "Uw gezondheid" in "\n".join(page_texts(out.read_bytes()))


@pytest.mark.parametrize("template", ["verwijzing", "meenemen"])
def test_no_referral_letter_without_referrals(db, template):
    ctx, visit_id = letter_visit(db, referrals=False)
    with pytest.raises(LoketError) as caught:
        letters.compose(ctx, visit_id, template, "uk")
    assert str(caught.value) == no_referrals()
    assert letters.compose(ctx, visit_id, "plan", "uk").pdf.startswith(b"%PDF")


def test_packing_list_for_an_appointment_alone(db):
    ctx, visit_id = letter_visit(db, referrals=False)
    appt = letters.Appointment(next_week_at(10, 30), "Zwolle", "", ["Zorgpas"])
    letter = letters.compose(ctx, visit_id, "meenemen", "nl", appointment=appt)
    assert "Zorgpas" in page_texts(letter.pdf)[0]


def test_staff_note_only_on_the_dutch_page_of_the_plan_letter(db):
    ctx, visit_id = letter_visit(db, summary="Komt terug met de brief van de gemeente.")
    whole = "\n".join(page_texts(letters.compose(ctx, visit_id, "plan", "en").pdf))
    visitor_text, _sep, dutch = whole.partition("Nederlands\r\nIND Maatwerkloket")
    assert "brief van de gemeente" in dutch.replace("\r\n", " ")
    assert "brief van de gemeente" not in visitor_text
    assert "The Dutch text also has a note from us." in visitor_text.replace("\r\n", " ")
    appt = letters.compose(ctx, visit_id, "afspraak", "en", appointment=_appt())
    assert "gemeente" not in "\n".join(page_texts(appt.pdf))


def test_errors_name_fields_and_languages_in_plain_words(db, data_dir, tmp_path, capsys):
    ctx, visit_id = letter_visit(db)
    with pytest.raises(ValidationError) as caught:
        letters.compose(ctx, visit_id, "afspraak", "nl")
    text = letters.explain(caught.value)
    assert text.startswith(_("Appointment") + ": ") and not text.startswith("appointment:")
    rc = _cli(
        ctx,
        *("render", "--visit", visit_id, "--template", "afspraak", "--lang", "nl"),
        *("--out", str(tmp_path / "x.pdf"), "--at", "tomorrow", "--place", "Zwolle"),
    )
    err = capsys.readouterr().err
    assert rc != 0 and _("Date and time") + ":" in err and " at:" not in err


def test_visit_facts_give_the_visit_language(db):
    ctx, visit_id = letter_visit(db, language="ti")
    facts = letters.visit_facts(ctx, visit_id)
    assert facts["language"] == "ti" and facts["visitor_name"] == "Ali A & B"


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)


def test_missing_translations_name_the_language_in_words():
    from loket.letters import catalogue

    with pytest.raises(LoketError) as caught:
        catalogue.load("uk").text("Een zin die niemand vertaalde.")
    assert letters.language_names(["uk"]) in str(caught.value)
    assert " uk." not in str(caught.value)
