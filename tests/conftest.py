"""Shared fixtures.  Qt runs offscreen; Qt warnings fail tests (pyproject: qt_log_level_fail)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LOKET_LANG", "nl")


def _shipped_fonts_only() -> None:
    """Fontconfig sees the fonts in resources/fonts and nothing of this machine's own, so the
    suite gives the same result on a PC with other fonts (or only DejaVu).  Set before Qt
    starts; child processes the tests start inherit it."""
    fonts = Path(__file__).resolve().parent.parent / "resources" / "fonts"
    folder = Path(tempfile.mkdtemp(prefix="loket-fontconfig-"))
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    os.environ["FONTCONFIG_FILE"] = str(conf)
    os.environ.pop("FONTCONFIG_PATH", None)


_shipped_fonts_only()
# Never the real key store of this machine: the programs the tests start find no key store
# (keys in files, as on a PC without one); tests in this process get a throwaway backend.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import pytest  # noqa: E402

from loket.db.connection import Database  # noqa: E402
from loket.db.migrate import migrate  # noqa: E402


@pytest.fixture(autouse=True)
def throwaway_keyring():
    """Every test starts without a key store (keyring's fail backend: keys in files);
    `memory_keyring` gives one that keeps them in memory for the test."""
    import keyring
    from keyring.backends import fail

    from loket.privacy import audit, keystore

    keyring.set_keyring(fail.Keyring())
    keystore._warned = False
    audit._KEYS.clear()
    yield
    keyring.set_keyring(fail.Keyring())
    audit._KEYS.clear()


@pytest.fixture
def memory_keyring():
    """A key store in memory for this test only (see tests.helpers.MemoryKeyring)."""
    import keyring

    from tests.helpers import MemoryKeyring

    store = MemoryKeyring()
    keyring.set_keyring(store)
    return store


@pytest.fixture(scope="session")
def qapp(qapp_args, qapp_cls):
    """pytest-qt's application, with the shipped fonts as the app has them (ui/fonts.py)."""
    from ui import fonts

    app = qapp_cls.instance() or qapp_cls(qapp_args)
    fonts.install(app)
    return app


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated, seeded database built once; tests get a copy (see `db`)."""
    from loket.directory import seed

    path = tmp_path_factory.mktemp("template") / "loket.sqlite"
    db = Database(path)
    migrate(db)
    seed.load_all(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def data_dir(tmp_path, template_db, monkeypatch):
    from tests.helpers import copy_database

    target = tmp_path / "data"
    copy_database(template_db, target)
    monkeypatch.setenv("LOKET_DATA_DIR", str(target))
    return target


@pytest.fixture
def db(data_dir):
    database = Database(data_dir / "loket.sqlite")
    yield database
    database.close()


@pytest.fixture
def english():
    """The UI language English for one test (the sentences tests read are English)."""
    from loket import i18n

    language = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(language)
