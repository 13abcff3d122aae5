"""Masked RANSAC partial-affine homographies: exact recovery, support masks, fallbacks, direction
against the sample's truth H, and a scene where the mask matters."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
import zarr

from vident.metrics import mace
from vident.motion.flow import make_flow
from vident.motion.homography import FitConfig, fit_homographies, fit_partial_affine, teeth_support


def _similarity(angle_deg: float, scale: float, tx: float, ty: float) -> np.ndarray:
    a = np.deg2rad(angle_deg)
    return np.array(
        [
            [scale * np.cos(a), -scale * np.sin(a), tx],
            [scale * np.sin(a), scale * np.cos(a), ty],
            [0, 0, 1.0],
        ]
    )


def _mace(h: np.ndarray, truth: np.ndarray, hw: tuple[int, int]) -> float:
    return float(mace(torch.from_numpy(h).double(), torch.from_numpy(truth).double(), *hw).mean())


def test_exact_flow_recovers_the_similarity() -> None:
    g = _similarity(2.0, 1.03, 1.5, -0.75)
    ys, xs = np.mgrid[0:30, 0:40].astype(np.float64)
    mapped = np.einsum("ij,jhw->ihw", g, np.stack([xs, ys, np.ones_like(xs)]))
    flow = np.stack([mapped[0] - xs, mapped[1] - ys]).astype(np.float32)
    keep = np.zeros((30, 40), bool)
    keep[5:25, 5:35] = True
    flow[:, ~keep] = 50.0  # garbage outside the kept pixels must not matter
    h, inliers = fit_partial_affine(flow, keep, threshold=0.5)
    np.testing.assert_allclose(h, g, atol=1e-3)
    assert inliers == keep.sum()


def test_support_needs_a_tooth_at_both_ends() -> None:
    flow = torch.zeros(1, 2, 4, 6)
    flow[:, 0] = 2.0  # everything moves 2 px right
    prev = torch.zeros(1, 4, 6, dtype=torch.uint8)
    prev[:, :, 0:3] = 1  # teeth at x = 0..2 in t-1
    cur = torch.zeros(1, 4, 6, dtype=torch.uint8)
    cur[:, :, 2:4] = 1  # in t only x = 2, 3 are teeth (x = 4 is covered)
    keep = teeth_support(flow, None, prev, cur)[0]
    assert keep[0].tolist() == [True, True, False, False, False, False]


def test_frames_without_teeth_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    frames = np.zeros((3, 16, 16, 3), np.uint8)
    masks = np.zeros((3, 16, 16), np.uint8)
    flow = lambda a, b: torch.ones(a.shape[0], 2, 16, 16)  # noqa: E731
    hs, inliers, fallback = fit_homographies(
        frames, masks, flow, FitConfig(min_inliers=10, occlusion=False)
    )
    np.testing.assert_array_equal(fallback, [False, True, True])
    np.testing.assert_array_equal(inliers, [0, 0, 0])
    np.testing.assert_allclose(hs, np.tile(np.eye(3), (3, 1, 1)))
    # Teeth in frames 0 and 1: frame 1 fits the 1 px shift; frame 2 has none and repeats it.
    masks[:2] = 1
    hs, _, fallback = fit_homographies(
        frames, masks, flow, FitConfig(min_inliers=10, occlusion=False, fallback="previous")
    )
    np.testing.assert_array_equal(fallback, [False, False, True])
    np.testing.assert_allclose(hs[2], hs[1])
    np.testing.assert_allclose(hs[1][:2, 2], [1.0, 1.0], atol=1e-4)


def _scene(
    t_count: int = 6, hw: tuple[int, int] = (96, 128)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Textured teeth plane moving by a small similarity per frame, and a textured instrument
    close to the lens (more than half the frame) sweeping 5 px/frame across it: frames, teeth
    masks (teeth not under the instrument) and the true H."""
    h, w = hw
    rng = np.random.default_rng(1)
    plane = cv2.GaussianBlur(rng.integers(0, 256, (h * 2, w * 2, 3)).astype(np.uint8), (0, 0), 2.0)
    tool_tex = cv2.GaussianBlur(rng.integers(0, 256, (h, 2 * w, 3)).astype(np.uint8), (0, 0), 2.0)
    step = _similarity(0.6, 1.004, 0.8, 0.5)
    to_view = np.array([[1.0, 0, -w / 2], [0, 1.0, -h / 2], [0, 0, 1]])
    frames, masks, truth = [], [], [np.eye(3)]
    pose = to_view
    for t in range(t_count):
        if t:
            pose = step @ pose
            truth.append(step)
        view = cv2.warpPerspective(plane, pose, (w, h), flags=cv2.INTER_LINEAR)
        tool = np.zeros((h, w), bool)
        tool[:, 8 + 5 * t : 88 + 5 * t] = True  # close to the lens: 62% of the frame
        shifted = np.roll(tool_tex, 5 * t, axis=1)[:, :w]
        view[tool] = shifted[tool]
        frames.append(view)
        masks.append((~tool).astype(np.uint8))
    return np.stack(frames), np.stack(masks), np.stack(truth)


def test_the_mask_matters_when_an_instrument_crosses_the_teeth() -> None:
    frames, masks, truth = _scene()
    flow = make_flow("dis")
    cfg = FitConfig(threshold=1.0, min_inliers=50)
    with_mask, _, fb = fit_homographies(frames, masks, flow, cfg)
    without, _, _ = fit_homographies(
        frames, masks, flow, FitConfig(threshold=1.0, min_inliers=50, use_mask=False)
    )
    err_mask = _mace(with_mask[1:], truth[1:], frames.shape[1:3])
    err_none = _mace(without[1:], truth[1:], frames.shape[1:3])
    assert not fb.any()
    assert err_mask < 0.5
    assert err_none > 3 * err_mask + 0.5


def test_dis_on_the_sample_matches_the_true_direction(sample_dir) -> None:
    truth = zarr.open_group(str(sample_dir / "phantom-02" / "truth" / "truth.zarr"), mode="r")
    frames, masks, h_true = truth["R"][:], truth["M"][:], truth["H"][:]
    hs, inliers, fallback = fit_homographies(frames, masks, make_flow("dis"), FitConfig())
    hw = frames.shape[1:3]
    err = _mace(hs[1:], h_true[1:], hw)
    err_identity = _mace(np.tile(np.eye(3), (len(hs) - 1, 1, 1)), h_true[1:], hw)
    err_inverse = _mace(np.linalg.inv(hs[1:]), h_true[1:], hw)
    assert hs.dtype == np.float32 and inliers.dtype == np.int32 and not fallback.any()
    np.testing.assert_array_equal(hs[0], np.eye(3))
    assert err <= 0.5 and err < 0.4 * err_identity and err < 0.4 * err_inverse


def test_fit_cli_writes_motion_store(sample_dir, tmp_path) -> None:
    from vident.cli import main

    truth = sample_dir / "phantom-03" / "truth" / "truth.zarr"
    out = tmp_path / "motion.zarr"
    main(
        [
            "motion",
            "fit",
            str(out),
            "--r-store",
            str(truth),
            "--masks",
            str(truth),
            "--flow",
            "dis",
            "--stride",
            "2",
            "--device",
            "cpu",
        ]
    )
    group = zarr.open_group(str(out), mode="r")
    assert group["H"].shape == (40, 3, 3) and group["H"].dtype == np.float32
    assert group["H"].metadata.dimension_names == ("t", "i", "j")
    assert group["inliers"].dtype == np.int32 and group["fallback"].dtype == bool
    h_true = zarr.open_group(str(truth), mode="r")["H"][:]
    assert _mace(group["H"][1:], h_true[1:], (128, 160)) < 0.5
    assert not list(tmp_path.glob("*.tmp-*"))
