"""`vident sync` on the miniature sample and on variants built from its truth."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vident.cli import main
from vident.io.video import read_video, write_png_frames
from vident.sync.synchronise import synchronise

PHANTOMS = ("phantom-00", "phantom-01", "phantom-02", "phantom-03")


@pytest.fixture(scope="module")
def recording(sample_dir: Path) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """C1, C2 frames and true pairs (C1 -> C2) of phantom-00."""
    rec = sample_dir / "phantom-00"
    truth = json.loads((rec / "truth" / "truth.json").read_text())
    return read_video(rec / "c1"), read_video(rec / "c2"), dict(map(tuple, truth["pairs"]))


def _score(got: dict[int, int], truth: dict[int, int]) -> tuple[float, int, int, float]:
    """Share of kept C1 frames matched exactly, frames off by more than one, kept frames with no
    true partner, share of true pairs kept."""
    exact = sum(truth.get(i) == j for i, j in got.items())
    far = sum(abs(j - truth[i]) > 1 for i, j in got.items() if i in truth)
    outside = sum(i not in truth for i in got)
    return exact / len(got), far, outside, sum(i in got for i in truth) / len(truth)


def _run_sync(c1: Path, c2: Path, out: Path, *extra: str) -> None:
    main(["sync", "--c1", str(c1), "--c2", str(c2), "--out", str(out), *extra])


def test_cli_matches_truth_on_sample(sample_dir: Path, tmp_path: Path,
                                     caplog: pytest.LogCaptureFixture) -> None:
    got: dict[tuple[str, int], int] = {}
    truth: dict[tuple[str, int], int] = {}
    for name in PHANTOMS:
        rec = sample_dir / name
        out = tmp_path / name / "sync.parquet"
        with caplog.at_level("INFO"):
            _run_sync(rec / "c1", rec / "c2", out)
        table = pd.read_parquet(out)
        assert list(table.columns) == ["c1_frame", "c2_frame", "cost"]
        assert (np.diff(table["c1_frame"]) > 0).all()
        pairs = zip(table["c1_frame"], table["c2_frame"], strict=True)
        got.update({(name, i): j for i, j in pairs})
        true_pairs = json.loads((rec / "truth" / "truth.json").read_text())["pairs"]
        truth.update({(name, i): j for i, j in true_pairs})
    exact, far, outside, kept = _score(got, truth)
    assert exact >= 0.98 and far == 0 and outside == 0 and kept >= 0.95
    assert "quality: mean cost" in caplog.text


def _variant(c1: np.ndarray, c2: np.ndarray, truth: dict[int, int], c1_keep: list[int],
             c2_start: int) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """C1 made of the frames ``c1_keep`` (repeats duplicate, gaps drop), C2 from ``c2_start``."""
    new_truth = {k: truth[i] - c2_start for k, i in enumerate(c1_keep)
                 if i in truth and truth[i] >= c2_start}
    return c1[c1_keep], c2[c2_start:], new_truth


@pytest.mark.parametrize("name, c1_keep, c2_start", [
    ("C1 starts late", list(range(7, 40)), 0),
    ("C1 starts early", list(range(40)), 7),
    ("dropped and duplicated", [i for i in range(40) if i not in (10, 17, 18, 26, 31)]
     + [14, 22], 0),
])
def test_variants_of_the_sample(recording: tuple, name: str, c1_keep: list[int],
                                c2_start: int) -> None:
    c1, c2, truth = _variant(*recording, sorted(c1_keep), c2_start)
    result = synchronise(c1, c2, window=20)
    got = dict(zip(result.matches.c1.tolist(), result.matches.c2.tolist(), strict=True))
    exact, far, outside, kept = _score(got, truth)
    assert exact >= 0.98 and far == 0 and outside == 0 and kept >= 0.95, name


def _fails(args: list[str], capsys: pytest.CaptureFixture, *words: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err


def test_bad_inputs_fail_clearly_and_write_nothing(sample_dir: Path, tmp_path: Path,
                                                   recording: tuple,
                                                   capsys: pytest.CaptureFixture) -> None:
    c1_frames, c2_frames, _ = recording
    rec, other = sample_dir / "phantom-00", sample_dir / "phantom-01"
    out = tmp_path / "sync.parquet"

    def sync(c1: Path, c2: Path) -> list[str]:
        return ["sync", "--c1", str(c1), "--c2", str(c2), "--out", str(out)]

    _fails(sync(rec / "c1", other / "c2"), capsys, "do not overlap")
    long = write_png_frames(tmp_path / "long", np.concatenate([c2_frames] * 4))
    _fails(sync(rec / "c1", long), capsys, "lengths differ by 120 frames")
    small = write_png_frames(tmp_path / "small", c2_frames[:, ::2, ::2].copy())
    _fails(sync(rec / "c1", small), capsys, str(small), "frame size 80x64")
    empty = tmp_path / "empty"
    empty.mkdir()
    _fails(sync(empty, rec / "c2"), capsys, str(empty), "no frames")
    corrupt = tmp_path / "corrupt"
    shutil.copytree(rec / "c1", corrupt)
    frame = corrupt / "000005.png"
    frame.write_bytes(frame.read_bytes()[:200])
    _fails(sync(corrupt, rec / "c2"), capsys, str(frame), "corrupt")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
