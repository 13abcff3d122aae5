"""Example-frame figure: mask overlay, red/cyan alignment view, and the CLI on a tiny store."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from stores import write_store

from vident.cli import main
from vident.errors import VidentError
from vident.report.frames import (
    example_tiles,
    overlay_mask,
    pick_frames,
    red_cyan,
    warp_previous,
)

SHIFT = np.array([[1, 0, 2], [0, 1, 1], [0, 0, 1]], np.float32)  # x += 2, y += 1


def _moving_video(t: int = 5, h: int = 24, w: int = 32) -> dict[str, np.ndarray]:
    """A textured scene moving by SHIFT each frame, with H_t = SHIFT (H_0 = I)."""
    rng = np.random.default_rng(0)
    scene = rng.integers(0, 256, (h + 2 * t, w + 4 * t, 3), np.uint8)
    R = np.stack([scene[t - k: t - k + h, 2 * (t - k): 2 * (t - k) + w] for k in range(t)])
    H = np.repeat(SHIFT[None], t, axis=0)
    H[0] = np.eye(3)
    M = np.zeros((t, h, w), np.uint8)
    M[:, 4:12, 6:20] = 1
    return {"B": R[:, ::-1].copy(), "R": R, "M": M, "H": H}


def test_pick_frames_spread_and_skip_frame_zero() -> None:
    assert pick_frames(40, 3).tolist() == [1, 20, 39]
    assert pick_frames(3, 5).tolist() == [1, 2]
    assert pick_frames(1, 3).size == 0


def test_overlay_mask_blends_only_masked_pixels() -> None:
    rgb = np.array([[[100, 0, 50], [10, 20, 30]]], np.uint8)
    out = overlay_mask(rgb, np.array([[1, 0]]), alpha=0.5, colour=(0, 255, 0))
    assert out[0, 0].tolist() == [50, 128, 25] and out[0, 1].tolist() == [10, 20, 30]


def test_warp_previous_follows_opencv_convention() -> None:
    prev = np.zeros((6, 8, 3), np.uint8)
    prev[2, 3] = 200
    out = warp_previous(prev, SHIFT)
    assert out[3, 5].tolist() == [200, 200, 200] and out.sum() == 600


def test_alignment_view_is_grey_with_the_right_homography_only() -> None:
    v = _moving_video()
    right = example_tiles(v["B"], v["R"], v["M"], v["H"], np.array([2]))[0][3]
    wrong = red_cyan(v["R"][1], v["R"][2])  # identity instead of H_2
    inner = (slice(2, -2), slice(3, -3))
    assert np.array_equal(right[inner][..., 0], right[inner][..., 1])
    assert np.abs(wrong[inner][..., 0].astype(int) - wrong[inner][..., 1]).mean() > 20
    tiles = example_tiles(v["B"], v["R"], v["M"], v["H"], np.array([1, 4]))
    assert len(tiles) == 2 and all(len(row) == 4 for row in tiles)
    assert np.array_equal(tiles[1][0], v["B"][4]) and np.array_equal(tiles[1][1], v["R"][4])
    assert not np.array_equal(tiles[1][2], v["R"][4])


@pytest.fixture()
def tiny_store(tmp_path: Path) -> Path:
    store = tmp_path / "tiny.zarr"
    v = _moving_video()
    t, h, w = v["M"].shape
    arrays = {**v, "human": np.zeros(t, bool), "frame": np.arange(t, dtype=np.int32)}
    write_store(store, {("val", "rec"): arrays}, h, w)
    return store


def test_frames_cli_writes_a_png_grid(tiny_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "figs" / "val.png"
    main(["report", "frames", "--store", str(tiny_store), "--split", "val", "--frames", "2",
          "--out", str(out)])
    img = cv2.imread(str(out))
    assert img is not None and img.shape[1] > img.shape[0] > 100
    assert [p.name for p in out.parent.iterdir()] == ["val.png"]
    with pytest.raises(VidentError, match="no videos in split 'test'"):
        from vident.report import cli

        cli.run(cli.argparse.Namespace(action="frames", store=str(tiny_store), split="test",
                                       frames=2, out=out))
