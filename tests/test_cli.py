"""The CLI turns a VidentError into one line on stderr and exit status 2; bugs keep tracebacks."""

from __future__ import annotations

import sys
import types

import pytest

from vident import cli
from vident.errors import VidentError


@pytest.fixture()
def fake_command(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("vident_fake_stage", "Fail on purpose.")
    module.add_arguments = lambda parser: parser.add_argument("--bug", action="store_true")

    def run(args) -> None:
        if args.bug:
            raise RuntimeError("a bug")
        raise VidentError("frame 000003.png has size 64x80, expected 128x160", "data/rec/c1")

    module.run = run
    monkeypatch.setitem(sys.modules, "vident_fake_stage", module)
    monkeypatch.setitem(cli.COMMANDS, "fake", "vident_fake_stage")
    return module


def test_user_error_is_one_line_exit_2(fake_command, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["fake"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == ("vident fake: error: data/rec/c1: frame 000003.png has size 64x80, "
                   "expected 128x160\n")


def test_bug_keeps_its_traceback(fake_command) -> None:
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["fake", "--bug"])


def test_every_command_has_help() -> None:
    for name in cli.COMMANDS:
        parser, module = cli._parser([name])
        assert module is not None and (module.__doc__ or "").strip(), name
