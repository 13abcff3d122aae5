"""`vident masks train|apply` on the sample: masks.zarr layout, human frames, IoU against truth,
and clear errors for recordings without annotations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import zarr

from vident.cli import main
from vident.metrics import iou

PHANTOMS = {"phantom-00": "train", "phantom-01": "train", "phantom-02": "val", "phantom-03": "test"}


@pytest.fixture(scope="module")
def trained(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A briefly trained segmenter (truth R stands in for the colour stage's R)."""
    out = tmp_path_factory.mktemp("masks") / "models" / "masks.pt"
    args = [
        "masks",
        "train",
        str(out),
        "--steps",
        "40",
        "--batch",
        "8",
        "--crop",
        "64",
        "--lr",
        "3e-3",
        "--device",
        "cpu",
        "--head-channels",
        "32",
    ]
    for rec, split in PHANTOMS.items():
        args += [
            "--recording",
            str(sample_dir / rec / "truth" / "truth.zarr"),
            str(sample_dir / rec / "annotations"),
            split,
        ]
    main(args)
    return out


def test_apply_writes_masks_that_match_truth(
    sample_dir: Path, trained: Path, tmp_path: Path
) -> None:
    rec = sample_dir / "phantom-02"
    out = tmp_path / "masks.zarr"
    main(
        [
            "masks",
            "apply",
            str(out),
            "--r-store",
            str(rec / "truth" / "truth.zarr"),
            "--model",
            str(trained),
            "--annotations",
            str(rec / "annotations"),
            "--device",
            "cpu",
        ]
    )
    group = zarr.open_group(str(out), mode="r")
    m, human = group["M"][:], group["human"][:]
    assert group["M"].metadata.dimension_names == ("t", "y", "x") and group["M"].chunks == (
        1,
        128,
        160,
    )
    truth = zarr.open_group(str(rec / "truth" / "truth.zarr"), mode="r")["M"][:]
    assert m.dtype == np.uint8 and set(np.unique(m)) <= {0, 1} and human.dtype == bool
    np.testing.assert_array_equal(np.flatnonzero(human), [5, 15, 25, 35])
    assert not (m[5] != truth[5]).any()  # the human frame is the annotation itself
    scores = iou(
        torch.from_numpy(m[~human]).float()[:, None],
        torch.from_numpy(truth[~human]).float()[:, None],
    )
    print(f"IoU after 40 steps: {scores.mean():.3f}")
    assert scores.mean() > 0.6  # all-teeth scores ~0.38, no-teeth 0


def test_a_val_recording_without_annotations_is_an_error(
    sample_dir: Path, tmp_path: Path, capsys
) -> None:
    empty = tmp_path / "annotations"
    empty.mkdir()
    with pytest.raises(SystemExit) as code:
        main(
            [
                "masks",
                "train",
                str(tmp_path / "m.pt"),
                "--steps",
                "1",
                "--device",
                "cpu",
                "--recording",
                str(sample_dir / "phantom-02" / "truth" / "truth.zarr"),
                str(empty),
                "val",
            ]
        )
    assert code.value.code == 2
    assert f"{empty}: no annotations" in capsys.readouterr().err
    assert not (tmp_path / "m.pt").exists()
