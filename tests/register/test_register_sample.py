"""`vident register` on the miniature sample, against its truth."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
import zarr

from vident.cli import main
from vident.io.atomic import write_parquet
from vident.register.affine import corner_distance
from vident.sync.alignment import Matches
from vident.sync.table import sync_table

REC = "phantom-00"


@pytest.fixture(scope="module")
def registered(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output folder of `vident sync` then `vident register` on one sample recording."""
    rec = sample_dir / REC
    out = tmp_path_factory.mktemp("register")
    main(["sync", "--c1", str(rec / "c1"), "--c2", str(rec / "c2"),
          "--out", str(out / "sync.parquet")])
    main(["register", "--c1", str(rec / "c1"), "--c2", str(rec / "c2"),
          "--sync", str(out / "sync.parquet"), "--out", str(out / "register")])
    return out


def _psnr_after_channel_fit(x: np.ndarray, y: np.ndarray) -> float:
    """PSNR of ``x`` against ``y`` ((N,3) values) after a per-channel least-squares gain and
    offset applied to ``x``."""
    fitted = np.empty_like(y, dtype=np.float64)
    for c in range(3):
        design = np.c_[x[:, c], np.ones(len(x))]
        coef, *_ = np.linalg.lstsq(design, y[:, c], rcond=None)
        fitted[:, c] = design @ coef
    return float(10 * np.log10(255.0**2 / np.mean((fitted - y) ** 2)))


def test_matches_truth(registered: Path, sample_dir: Path) -> None:
    truth = json.loads((sample_dir / REC / "truth" / "truth.json").read_text())
    table = pd.read_parquet(registered / "register" / "registration.parquet")
    assert list(table.columns) == ["c1_frame", "c2_frame", "m00", "m01", "m02", "m10", "m11",
                                   "m12", "metric"]
    sync = pd.read_parquet(registered / "sync.parquet")
    assert table["c1_frame"].tolist() == sync["c1_frame"].tolist()
    true = np.array(truth["c2_to_c1"])
    matrices = table[["m00", "m01", "m02", "m10", "m11", "m12"]].to_numpy().reshape(-1, 2, 3)
    distances = [corner_distance(m, true, 128, 160) for m in matrices]
    assert np.mean(distances) <= 0.5
    assert (table["metric"] > 1.1).all()

    store = zarr.open_group(str(registered / "register" / "registered.zarr"), mode="r")
    frames, valid = store["frames"], store["valid"]
    assert frames.shape == (len(table), 128, 160, 3) and frames.dtype == np.uint8
    assert frames.metadata.dimension_names == ("t", "y", "x", "c")
    assert valid.metadata.dimension_names == ("t", "y", "x")
    assert 0.85 < valid[:].mean() < 1.0  # the rig's offset leaves an invalid border
    reference = zarr.open_group(str(sample_dir / REC / "truth" / "truth.zarr"), mode="r")["R"]
    psnrs = []
    for k, c1_frame in enumerate(table["c1_frame"]):
        inner = cv2.erode(valid[k].astype(np.uint8), np.ones((17, 17), np.uint8)).astype(bool)
        psnrs.append(_psnr_after_channel_fit(frames[k][inner].astype(np.float64),
                                             reference[c1_frame][inner].astype(np.float64)))
    assert min(psnrs) >= 30.0


def test_bad_inputs_fail_clearly_and_write_nothing(sample_dir: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    rec = sample_dir / REC
    out = tmp_path / "out"

    def fails(sync: Path, *words: str, c2: Path = rec / "c2") -> None:
        with pytest.raises(SystemExit) as exit_info:
            main(["register", "--c1", str(rec / "c1"), "--c2", str(c2), "--sync", str(sync),
                  "--out", str(out)])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert all(w in err for w in words), err

    beyond = write_parquet(sync_table(Matches(np.array([0, 1]), np.array([5, 40]),
                                              np.zeros(2))), tmp_path / "beyond.parquet")
    fails(beyond, str(beyond), "c2_frame 40 does not exist")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    fails(broken, str(broken), "not a readable Parquet file")
    fails(tmp_path / "missing.parquet", "sync table not found")
    assert not out.exists()
