"""`vident train`: configs load, bad configs fail with one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from vident.cli import main
from vident.train.config import load_config

CONFIGS = sorted((Path(__file__).parents[2] / "config" / "train").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_shipped_configs_load(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.model.name.startswith("most")


def test_shipped_configs_exist() -> None:
    assert {p.stem for p in CONFIGS} >= {"most-net++", "most-net", "most-nss++", "sample"}


def test_unknown_key_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: {name: most-net++}\nbatchsize: 4\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["train", str(bad), "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "unknown key batchsize" in err
    assert not (tmp_path / "out").exists()
