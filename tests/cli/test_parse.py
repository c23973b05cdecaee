"""The app's start is parsed without argparse (loket.cli.app_options); it must read every
app start exactly as argparse would, and leave everything else to argparse."""

from __future__ import annotations

import pytest

from loket.cli import _parse, app_options, build_parser


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--exit-when-ready"],
        ["--data-dir", "/srv/loket"],
        ["--data-dir=/srv/loket"],
        ["--data-dir", "C:\\Loket data", "--exit-when-ready"],
        ["--exit-when-ready", "--data-dir", "d1", "--data-dir", "d2"],
    ],
)
def test_app_start_read_as_argparse_reads_it(argv):
    fast = app_options(argv)
    assert fast is not None
    slow, rest = build_parser(commands=False).parse_known_args(argv)
    assert rest == []
    assert (fast.command, fast.data_dir, fast.exit_when_ready) == (
        None,
        slow.data_dir,
        slow.exit_when_ready,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["demo"],
        ["--data-dir"],
        ["--data-dir="],
        ["--data-dir", "--exit-when-ready"],
        ["--data", "x"],  # an abbreviation: argparse decides
        ["--help"],
        ["--version"],
        ["--data-dir", "x", "check"],
    ],
)
def test_anything_else_goes_to_argparse(argv):
    assert app_options(argv) is None


def test_commands_still_parse():
    args = _parse(["--data-dir", "x", "check"])
    assert args.command == "check" and args.data_dir == "x"


def test_bad_start_options_get_argparse_message(capsys):
    with pytest.raises(SystemExit) as exc:
        _parse(["--data-dir"])
    assert exc.value.code == 2
    assert "--data-dir" in capsys.readouterr().err
