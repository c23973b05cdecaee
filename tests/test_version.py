"""The version the app shows is the one pyproject.toml (and so the bundle) carries."""

import tomllib
from pathlib import Path

import loket


def test_version_matches_pyproject():
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    with pyproject.open("rb") as fh:
        assert loket.__version__ == tomllib.load(fh)["project"]["version"]
