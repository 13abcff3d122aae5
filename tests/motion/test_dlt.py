"""Corner offsets <-> homography by DLT, and conjugation to scales 2 and 3 (hand-computed)."""

from __future__ import annotations

import numpy as np
import torch

from vident.io.scales import scale_homography
from vident.motion.dlt import homography_at_scale, homography_to_offsets, offsets_to_homography


def test_translation_moves_every_corner_alike() -> None:
    h = torch.tensor([[[1.0, 0.0, 3.0], [0.0, 1.0, -2.0], [0.0, 0.0, 1.0]]], dtype=torch.float64)
    torch.testing.assert_close(
        homography_to_offsets(h, 10, 20), torch.tensor([[[3.0, -2.0]] * 4], dtype=torch.float64)
    )


def test_scaling_about_the_origin() -> None:
    # x -> 2x: corners (0,0), (19,0), (19,9), (0,9) move by (0,0), (19,0), (19,9), (0,9).
    h = torch.diag(torch.tensor([2.0, 2.0, 1.0], dtype=torch.float64))[None]
    expected = torch.tensor(
        [[[0.0, 0.0], [19.0, 0.0], [19.0, 9.0], [0.0, 9.0]]], dtype=torch.float64
    )
    torch.testing.assert_close(homography_to_offsets(h, 10, 20), expected)


def test_offsets_round_trip_a_projective_homography() -> None:
    offsets = torch.tensor(
        [[[1.5, -2.0], [0.3, 0.7], [-1.0, 2.5], [2.0, 1.0]]], dtype=torch.float64
    )
    h = offsets_to_homography(offsets, 48, 64)
    assert abs(h[0, 2, 0]) > 1e-6  # genuinely projective
    torch.testing.assert_close(homography_to_offsets(h, 48, 64), offsets)


def test_scale_conjugation_halves_translations_and_matches_numpy() -> None:
    h = torch.tensor([[[1.0, 0.0, 4.0], [0.0, 1.0, 2.0], [0.0, 0.0, 1.0]]], dtype=torch.float64)
    expected = {2: (2.0, 1.0), 3: (1.0, 0.5)}
    for s, (tx, ty) in expected.items():
        hs = homography_at_scale(h, s)
        torch.testing.assert_close(hs[0, :2, 2], torch.tensor([tx, ty], dtype=torch.float64))
    rng = np.random.default_rng(0)
    g = np.eye(3) + 0.01 * rng.standard_normal((2, 3, 3))
    for s in (2, 3):
        np.testing.assert_allclose(
            homography_at_scale(torch.from_numpy(g), s).numpy(), scale_homography(g, s)
        )
