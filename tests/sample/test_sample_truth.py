"""The truth (H, M, pairs, c2_to_c1) agrees with what the rendering actually shows."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vident.sample.render import render_view, teeth_mask
from vident.sample.simulate import c1_geometry, phantom_setup

HW = (128, 160)
CORNERS = np.array([[[0, 0], [159, 0], [159, 127], [0, 127]]], np.float64)
LK = dict(
    winSize=(21, 21),
    maxLevel=3,
    criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-4),
)


def mace(h1: np.ndarray, h2: np.ndarray) -> float:
    """Mean corner error (px) between two homographies of the frame."""
    a = cv2.perspectiveTransform(CORNERS, h1.astype(np.float64))[0]
    b = cv2.perspectiveTransform(CORNERS, h2.astype(np.float64))[0]
    return float(np.linalg.norm(a - b, axis=1).mean())


def tracked_homography(prev: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """Homography fitted to corners tracked by pyramidal Lucas-Kanade (forward-backward checked)."""
    g0, g1 = (cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in (prev, cur))
    p0 = cv2.goodFeaturesToTrack(g0, 500, 0.01, 3)
    p1, st1, _ = cv2.calcOpticalFlowPyrLK(g0, g1, p0, None, **LK)
    back, st2, _ = cv2.calcOpticalFlowPyrLK(g1, g0, p1, None, **LK)
    ok = (st1[:, 0] == 1) & (st2[:, 0] == 1) & (np.linalg.norm(back - p0, axis=-1)[:, 0] < 0.05)
    assert ok.sum() >= 12
    fitted, _ = cv2.findHomography(p0[ok], p1[ok], cv2.RANSAC, 0.3)
    return fitted


@pytest.mark.parametrize("name", ["phantom-00", "phantom-03", "real-00"])
def test_truth_h_matches_tracked_motion(recs, name: str) -> None:
    """Tooth-plane points tracked in the clean frames R move by the truth H (mean MACE < 0.1 px),
    while the motion itself is large (identity would be far off)."""
    rec = recs[name]
    errors, motion = [], []
    for k in range(1, len(rec.R)):
        if np.array_equal(rec.H[k], np.eye(3, dtype=np.float32)):
            continue
        fitted = tracked_homography(rec.R[k - 1], rec.R[k])
        errors.append(mace(fitted, rec.H[k]))
        motion.append(mace(np.eye(3), rec.H[k]))
    assert np.mean(errors) < 0.1, np.mean(errors)
    assert np.median(errors) < 0.08
    assert np.mean(motion) > 1.0  # the camera really moves: a no-motion H would fail


def test_truth_h_composes_the_camera_model() -> None:
    """Known plane points projected by the camera model at t-1 and t are related by H exactly."""
    from vident.sample.motion import relative_homographies

    ps = phantom_setup(0, 0, 40, HW)
    poses = [c1_geometry(ps.scene, ps.c2_to_c1, t) for t in ps.warp.times.tolist()]
    hs = relative_homographies(poses)
    rng = np.random.default_rng(5)
    plane = np.c_[rng.uniform(0, 280, (50, 2)), np.ones(50)]
    for k in range(1, len(poses)):
        x0, x1 = plane @ poses[k - 1].T, plane @ poses[k].T
        mapped = x0 @ hs[k].T
        np.testing.assert_allclose(mapped[:, :2] / mapped[:, 2:], x1[:, :2] / x1[:, 2:], atol=1e-6)


def test_mask_is_the_visible_teeth(recs) -> None:
    """M: the tooth-coloured pixels of R (ivory: not red, not steel-blue); instrument excluded."""
    with_instrument = 0
    for name, rec in recs.items():
        r, g, b = (rec.R[..., c].astype(np.float32) for c in range(3))
        ivory = (g > 0.72 * r) & (b < 0.93 * r)
        agree = (ivory == rec.M.astype(bool)).mean()
        assert agree > 0.95, (name, agree)
        steel = (b > 1.06 * r) & (g > 0.85 * r)  # the instrument is grey-blue
        if steel.sum() > 200:
            with_instrument += 1
            assert rec.M[steel].mean() < 0.02, (name, rec.M[steel].mean())
    assert with_instrument >= 3


def test_instrument_occludes_teeth_in_some_frames(recs) -> None:
    """Rendering the same views without the instrument shows teeth where M is 0, in some frames
    only; elsewhere M equals the instrument-free teeth exactly."""
    rec = recs["phantom-00"]
    ps = phantom_setup(0, 0, 40, HW)
    a3 = np.vstack([ps.c2_to_c1, [0, 0, 1.0]])
    hidden = []
    for k, t in enumerate(ps.warp.times.tolist()):
        bare = render_view(
            ps.scene.plane, c1_geometry(ps.scene, ps.c2_to_c1, t), np.linalg.inv(a3), None, t, HW
        )
        free = teeth_mask(bare)
        assert not (rec.M[k] & ~free.astype(bool)).any()  # M never shows teeth that are not there
        hidden.append(int((free.astype(bool) & ~rec.M[k].astype(bool)).sum()))
    hidden = np.asarray(hidden)
    assert (hidden > 100).sum() >= 3, hidden  # occluded in some frames
    assert (hidden == 0).sum() >= 3, hidden  # and fully visible in others


def warped_psnr(
    c2_frame: np.ndarray, target: np.ndarray, warp: np.ndarray, border: int = 12
) -> float:
    """PSNR (dB) of the C2 frame warped by a 2x3 affine against ``target``, borders excluded."""
    warped = cv2.warpAffine(c2_frame.astype(np.float32), warp, HW[::-1], flags=cv2.INTER_LINEAR)
    diff = (warped - target.astype(np.float32))[border:-border, border:-border]
    return float(10 * np.log10(255.0**2 / (diff**2).mean()))


def test_pairs_and_c2_to_c1_reproduce_c2_in_c1_geometry(phantoms) -> None:
    """Warping the C2 frame of each pair by c2_to_c1 gives truth R (PSNR > 35 dB off the borders);
    a pair shifted by one frame, or no warp at all, does clearly worse."""
    for rec in phantoms:
        a = np.asarray(rec.meta["c2_to_c1"])
        psnrs, wrong_frame, unwarped = [], [], []
        for c1, c2 in rec.meta["pairs"]:
            psnrs.append(warped_psnr(rec.c2[c2], rec.R[c1], a))
            unwarped.append(warped_psnr(rec.c2[c2], rec.R[c1], np.eye(3)[:2]))
            other = c2 + 1 if c2 + 1 < len(rec.c2) else c2 - 1
            wrong_frame.append(warped_psnr(rec.c2[other], rec.R[c1], a))
        assert min(psnrs) > 35, (rec.path.name, min(psnrs))
        assert np.mean(wrong_frame) < np.mean(psnrs) - 5
        assert np.mean(unwarped) < np.mean(psnrs) - 10
