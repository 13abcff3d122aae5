"""The sample's files follow the contract of design §3: table, frame folders, truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd


def test_table_columns_splits_and_paths(sample_dir: Path) -> None:
    table = pd.read_csv(sample_dir / "recordings.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["recording", "c1", "c2", "split", "kind", "annotations"]
    assert list(table.recording) == [
        "phantom-00",
        "phantom-01",
        "phantom-02",
        "phantom-03",
        "real-00",
    ]
    assert list(table.split) == ["train", "train", "val", "test", "test"]
    assert list(table.kind) == ["phantom"] * 4 + ["real"]
    for row in table.itertuples():
        assert row.c1 == f"{row.recording}/c1" and (sample_dir / row.c1).is_dir()
        assert row.annotations == f"{row.recording}/annotations"
        assert (sample_dir / row.annotations).is_dir()
        if row.kind == "phantom":
            assert row.c2 == f"{row.recording}/c2" and (sample_dir / row.c2).is_dir()
        else:
            assert row.c2 == "" and not (sample_dir / row.recording / "c2").exists()


def test_phantom_frames_and_truth_shapes(phantoms) -> None:
    for rec in phantoms:
        t1 = rec.meta["frames"]["c1"]
        assert rec.c1.shape == (t1, 128, 160, 3) and rec.c1.dtype == np.uint8
        assert rec.c2.shape == (40, 128, 160, 3) and rec.c2.dtype == np.uint8
        assert rec.R.shape == rec.D.shape == (t1, 128, 160, 3)
        assert rec.R.dtype == rec.D.dtype == np.uint8
        assert rec.M.shape == (t1, 128, 160) and rec.M.dtype == np.uint8
        assert set(np.unique(rec.M)) == {0, 1}
        assert rec.H.shape == (t1, 3, 3) and rec.H.dtype == np.float32
        np.testing.assert_array_equal(rec.H[0], np.eye(3))
        for k in rec.meta["duplicated"]:
            np.testing.assert_array_equal(rec.H[k], np.eye(3))
        assert set(rec.meta) >= {
            "pairs",
            "c2_to_c1",
            "noise",
            "colour",
            "offset",
            "dropped",
            "duplicated",
            "seed",
        }
        assert rec.meta["noise"]["a"] == 0.01 and rec.meta["noise"]["sigma"] == 0.02
        assert np.asarray(rec.meta["c2_to_c1"]).shape == (2, 3)


def test_real_frames_and_truth(recs) -> None:
    rec = recs["real-00"]
    assert rec.c2 is None
    assert rec.c1.shape == (40, 128, 160) and rec.c1.dtype == np.uint16
    assert rec.c1.max() > 255 * 16  # uses the 16-bit range, not 8-bit data in a 16-bit file
    assert rec.meta["pairs"] == [] and rec.meta["c2_to_c1"] is None
    assert rec.meta["bayer"] == "RGGB" and rec.meta["blur_sigma"] > 0
    assert rec.R.shape == rec.D.shape == (40, 128, 160, 3) and rec.M.shape == (40, 128, 160)
    assert rec.H.shape == (40, 3, 3)


def test_dimension_names(sample_dir: Path) -> None:
    names = {
        "R": ["t", "y", "x", "c"],
        "D": ["t", "y", "x", "c"],
        "M": ["t", "y", "x"],
        "H": ["t", "row", "col"],
    }
    for array, dims in names.items():
        meta = json.loads(
            (sample_dir / "phantom-00" / "truth" / "truth.zarr" / array / "zarr.json").read_text()
        )
        assert meta["dimension_names"] == dims


def test_annotations_are_the_truth_masks(recs) -> None:
    expected = {"phantom-00": 1, "phantom-01": 1, "phantom-02": 4, "phantom-03": 4, "real-00": 4}
    for name, count in expected.items():
        rec = recs[name]
        assert len(rec.annotations) == count
        assert rec.meta["annotations"] == sorted(rec.annotations)
        for k, mask in rec.annotations.items():
            assert mask.dtype == np.uint8 and mask.ndim == 2
            np.testing.assert_array_equal(mask, rec.M[k] * 255)
    spread = sorted(recs["phantom-03"].annotations)
    assert spread[0] < 10 and spread[-1] >= 30  # spread over the video


def test_sync_needs_dtw(phantoms) -> None:
    """Every phantom has a start offset, dropped and duplicated frames, and unpaired C1 frames."""
    for rec in phantoms:
        meta = rec.meta
        assert meta["offset"] != 0 and meta["dropped"] and meta["duplicated"]
        pairs = np.asarray(meta["pairs"])
        assert 20 < len(pairs) < meta["frames"]["c1"]
        steps = np.diff(pairs[:, 1])
        assert (steps == 0).any() and (steps == 2).any() and set(steps) <= {0, 1, 2}
        assert pairs[:, 1].min() >= 0 and pairs[:, 1].max() < 40
        # Duplicated C1 frames show the same instant: same clean content, fresh noise.
        k = meta["duplicated"][0]
        np.testing.assert_array_equal(rec.R[k], rec.R[k - 1])
        assert not np.array_equal(rec.c1[k], rec.c1[k - 1])
