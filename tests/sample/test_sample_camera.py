"""C1's camera model: noise statistics, RAW Bayer layout, colour degradation, timing, optics."""

from __future__ import annotations

import numpy as np
import pytest

from vident.sample.camera import (
    ColourModel,
    beam_splitter_affine,
    defocus,
    mosaic_rggb,
    poisson_gaussian,
    random_colour_model,
    random_time_warp,
)


def _binned_variance(
    clean: np.ndarray, noisy: np.ndarray, a: float, sigma: float
) -> list[tuple[float, float]]:
    """(measured, model) variance of noisy - clean per intensity bin, where clipping is rare."""
    out = []
    edges = np.linspace(0, 1, 21)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (clean >= lo) & (clean < hi)
        y = (lo + hi) / 2
        std = np.sqrt(a * y + sigma**2)
        if sel.sum() < 5000 or y - 3.5 * std < 0 or y + 3.5 * std > 1:
            continue
        out.append(
            (float((noisy[sel] - clean[sel]).var()), float(a * clean[sel].mean() + sigma**2))
        )
    return out


def test_c1_noise_has_poisson_gaussian_variance(phantoms) -> None:
    """var(C1 - D) = a*y + sigma^2 per intensity bin, within 10% (8-bit rounding is negligible)."""
    clean = np.concatenate([r.D.ravel() for r in phantoms]).astype(np.float64) / 255
    noisy = np.concatenate([r.c1.ravel() for r in phantoms]).astype(np.float64) / 255
    a, sigma = phantoms[0].meta["noise"]["a"], phantoms[0].meta["noise"]["sigma"]
    bins = _binned_variance(clean, noisy, a, sigma)
    assert len(bins) >= 5
    for measured, model in bins:
        assert abs(measured / model - 1) < 0.10, (measured, model)
    # Signal-dependent: brighter bins are noisier (pure Gaussian noise would fail this).
    assert bins[-1][0] > 1.5 * bins[0][0]


def test_real_frames_are_rggb_mosaics_of_defocused_d(recs) -> None:
    """Each 2x2 site of the RAW frames matches one channel of the defocused D: R G / G B, and the
    RAW-domain noise has the model variance."""
    rec = recs["real-00"]
    raw = rec.c1.astype(np.float64) / rec.meta["raw"]["white_level"]
    blurred = np.stack([defocus(d.astype(np.float32) / 255, rec.meta["blur_sigma"]) for d in rec.D])
    sites = {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 2}
    for (dy, dx), channel in sites.items():
        site = raw[:, dy::2, dx::2]
        errors = [np.abs(site - blurred[:, dy::2, dx::2, c]).mean() for c in range(3)]
        assert int(np.argmin(errors)) == channel, ((dy, dx), errors)
    clean = np.stack([mosaic_rggb(b) for b in blurred])
    noise = rec.meta["noise"]
    for measured, model in _binned_variance(clean, raw, noise["a"], noise["sigma"]):
        assert abs(measured / model - 1) < 0.10, (measured, model)


def test_real_frames_are_defocused(recs) -> None:
    """The RAW green sites are smoother than the sharp D would be (a sharpening stage has work)."""
    rec = recs["real-00"]
    raw = rec.c1.astype(np.float64) / rec.meta["raw"]["white_level"]
    sharp = rec.D.astype(np.float64) / 255
    blurred = np.stack([defocus(d.astype(np.float32), rec.meta["blur_sigma"]) for d in sharp])
    site = (slice(None), slice(0, None, 2), slice(1, None, 2))
    err_blurred = np.abs(raw[site] - blurred[site + (1,)]).mean()
    err_sharp = np.abs(raw[site] - sharp[site + (1,)]).mean()
    assert err_blurred < err_sharp


def test_mosaic_rggb_by_hand() -> None:
    rgb = np.zeros((2, 4, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 10, 20, 30
    np.testing.assert_array_equal(mosaic_rggb(rgb), [[10, 20, 10, 20], [20, 30, 20, 30]])


def test_poisson_gaussian_moments() -> None:
    rng = np.random.default_rng(0)
    y = np.full(200_000, 0.4)
    x = poisson_gaussian(rng, y, 0.01, 0.02)
    assert x.mean() == pytest.approx(0.4, abs=1e-3)
    assert x.var() == pytest.approx(0.01 * 0.4 + 0.02**2, rel=0.02)


def test_colour_model_by_hand_and_not_a_matrix() -> None:
    """The formula on one pixel by hand; and the best 3x3 matrix fit leaves a clear residual."""
    model = ColourModel(
        gamma=(0.5, 1.0, 1.0),
        mix=((0.8, 0.1, 0.1), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
        offset=(0.05, 0.0, 0.0),
        exposure_amp=0.1,
        exposure_period=40.0,
        exposure_phase=0.0,
    )
    # t = 10: exposure = 1 + 0.1 sin(pi/2) = 1.1
    # R = 1.1 * (0.8 * 0.25**0.5 + 0.1 * 0.5 + 0.1 * 0.2) + 0.05 = 1.1 * 0.47 + 0.05
    out = model.apply(np.array([[0.25, 0.5, 0.2]], np.float32), 10.0)
    np.testing.assert_allclose(out, [[1.1 * 0.47 + 0.05, 0.55, 0.22]], atol=1e-6)
    model = random_colour_model(np.random.default_rng(1), 40)
    ref = np.random.default_rng(2).uniform(0, 1, (5000, 3)).astype(np.float32)
    c1 = model.apply(ref, 0.0)
    fit, *_ = np.linalg.lstsq(c1, ref, rcond=None)
    assert np.sqrt(((c1 @ fit - ref) ** 2).mean()) > 0.02


def test_beam_splitter_affine_ranges() -> None:
    for seed in range(10):
        a = beam_splitter_affine(np.random.default_rng(seed), (128, 160))
        scale = np.sqrt(abs(np.linalg.det(a[:, :2])))
        angle = np.degrees(np.arctan2(a[1, 0], a[0, 0]))
        assert 0.01 <= abs(scale - 1) <= 0.03 and 1.0 <= abs(angle) <= 3.0
        centre_shift = a @ [79.5, 63.5, 1] - [79.5, 63.5]
        assert 1.0 <= np.abs(centre_shift).min() and np.abs(centre_shift).max() <= 4.0 + 1e-9


def test_time_warp_offsets_drops_and_duplicates() -> None:
    warp = random_time_warp(np.random.default_rng(3), 40)
    steps = np.diff(warp.times)
    assert warp.times[0] == warp.offset and 2 <= abs(warp.offset) <= 4
    assert sorted(np.flatnonzero(steps == 0) + 1) == warp.duplicated
    assert sorted(warp.times[np.flatnonzero(steps == 2)] + 1) == warp.dropped
    assert len(warp.dropped) == len(warp.duplicated) == 2
    pairs = warp.pairs(40)
    assert all(0 <= c2 < 40 and warp.times[c1] == c2 for c1, c2 in pairs)
    assert len(pairs) == sum(0 <= t < 40 for t in warp.times)
