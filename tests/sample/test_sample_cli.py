"""`vident sample` writes the sample; bad sizes are a one-line error with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from vident.cli import main


def test_cli_writes_sample(tmp_path: Path) -> None:
    out = tmp_path / "sample"
    main(
        [
            "sample",
            str(out),
            "--seed",
            "3",
            "--videos",
            "1",
            "--frames",
            "12",
            "--height",
            "48",
            "--width",
            "64",
            "--real",
            "0",
        ]
    )
    assert (
        (out / "recordings.tsv").read_text().splitlines()[1].startswith("phantom-00\tphantom-00/c1")
    )
    assert len(list((out / "phantom-00" / "c1").glob("*.png"))) == 12
    assert not (out / "real-00").exists()


def test_cli_bad_size_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", str(tmp_path / "s"), "--seed", "0", "--width", "63"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(tmp_path / "s") in err and "even" in err
