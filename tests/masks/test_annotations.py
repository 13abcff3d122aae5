"""Reading annotations: masks as 0/1, and clear errors naming the file for bad input."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vident.errors import VidentError
from vident.masks.annotations import read_annotations


def _write(folder: Path, index: int, mask: np.ndarray) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{index:06d}.png"
    cv2.imwrite(str(path), mask)
    return path


def test_reads_masks_as_zero_one(tmp_path: Path) -> None:
    mask = np.zeros((8, 10), np.uint8)
    mask[2:5, 3:7] = 255
    _write(tmp_path / "ann", 3, mask)
    out = read_annotations(tmp_path / "ann", frames=5, size=(8, 10))
    assert list(out) == [3]
    np.testing.assert_array_equal(out[3], mask // 255)


def test_annotation_past_the_last_frame(tmp_path: Path) -> None:
    path = _write(tmp_path / "ann", 7, np.zeros((8, 10), np.uint8))
    with pytest.raises(VidentError, match="frame 7, but the recording has 5 frames") as err:
        read_annotations(tmp_path / "ann", frames=5, size=(8, 10))
    assert err.value.path == str(path)


def test_annotation_of_the_wrong_size(tmp_path: Path) -> None:
    path = _write(tmp_path / "ann", 1, np.zeros((9, 10), np.uint8))
    with pytest.raises(VidentError, match="annotation is 10x9 but frames are 10x8") as err:
        read_annotations(tmp_path / "ann", frames=5, size=(8, 10))
    assert err.value.path == str(path)


def test_missing_annotations_where_the_split_needs_them(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(VidentError, match="this split needs at least one") as err:
        read_annotations(tmp_path / "empty", frames=5, size=(8, 10))
    assert err.value.path == str(tmp_path / "empty")
    assert read_annotations(tmp_path / "missing", frames=5, size=(8, 10), required=False) == {}
