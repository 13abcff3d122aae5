"""Homography maths pinned to hand-computed values: corner offsets <-> homography by DLT,
conjugation between scales (as vident.io.scales) and the float32-or-better precision rule."""

from __future__ import annotations

import numpy as np
import torch

from vident.homography import (
    apply_homography,
    homography_to_offsets,
    offsets_to_homography,
    rescale_homography,
)
from vident.io.scales import scale_homography

F64 = torch.float64


def test_translation_moves_every_corner_alike() -> None:
    h = torch.tensor([[[1.0, 0.0, 3.0], [0.0, 1.0, -2.0], [0.0, 0.0, 1.0]]], dtype=F64)
    torch.testing.assert_close(
        homography_to_offsets(h, 10, 20), torch.tensor([[[3.0, -2.0]] * 4], dtype=F64)
    )


def test_scaling_about_the_origin() -> None:
    # x -> 2x: corners (0,0), (19,0), (19,9), (0,9) move by (0,0), (19,0), (19,9), (0,9).
    h = torch.diag(torch.tensor([2.0, 2.0, 1.0], dtype=F64))[None]
    expected = torch.tensor([[[0.0, 0.0], [19.0, 0.0], [19.0, 9.0], [0.0, 9.0]]], dtype=F64)
    torch.testing.assert_close(homography_to_offsets(h, 10, 20), expected)


def test_zero_and_equal_corner_offsets_give_identity_and_translation() -> None:
    hom = offsets_to_homography(torch.zeros(2, 4, 2), 64, 80)
    torch.testing.assert_close(hom, torch.eye(3).expand(2, 3, 3), atol=1e-5, rtol=0)
    hom = offsets_to_homography(torch.tensor([3.0, -2.0]).expand(1, 4, 2), 64, 80)[0]
    want = torch.tensor([[1.0, 0, 3], [0, 1, -2], [0, 0, 1]])
    torch.testing.assert_close(hom, want, atol=1e-4, rtol=0)


def test_offsets_round_trip_a_projective_homography() -> None:
    offsets = torch.tensor([[[1.5, -2.0], [0.3, 0.7], [-1.0, 2.5], [2.0, 1.0]]], dtype=F64)
    h = offsets_to_homography(offsets, 48, 64)
    assert abs(h[0, 2, 0]) > 1e-6  # genuinely projective
    torch.testing.assert_close(homography_to_offsets(h, 48, 64), offsets)


def test_rescale_hand_values() -> None:
    shift = torch.tensor([[[1.0, 0.0, 4.0], [0.0, 1.0, 2.0], [0.0, 0.0, 1.0]]], dtype=F64)
    for s, (tx, ty) in {2: (2.0, 1.0), 3: (1.0, 0.5)}.items():
        hs = rescale_homography(shift, 1, s)
        torch.testing.assert_close(hs[0, :2, 2], torch.tensor([tx, ty], dtype=F64))
        torch.testing.assert_close(rescale_homography(hs, s, 1), shift)
    # S_2 = [[1/2,0,-1/4],[0,1/2,-1/4],[0,0,1]]: S diag(2,2,1) S^-1 = [[2,0,1/4],[0,2,1/4],[0,0,1]]
    zoom = torch.diag(torch.tensor([2.0, 2.0, 1.0]))[None]
    want2 = torch.tensor([[2.0, 0, 0.25], [0, 2, 0.25], [0, 0, 1]])
    torch.testing.assert_close(rescale_homography(zoom, 1, 2)[0], want2)
    torch.testing.assert_close(rescale_homography(zoom, 1, 3)[0, :2, 2], torch.tensor([0.375] * 2))
    assert rescale_homography(zoom, 2, 2) is zoom


def test_rescale_matches_io_scales_and_point_scaling() -> None:
    rng = np.random.default_rng(0)
    g = np.eye(3) + 0.01 * rng.standard_normal((2, 3, 3))
    for s in (2, 3):
        np.testing.assert_allclose(
            rescale_homography(torch.from_numpy(g), 1, s).numpy(), scale_homography(g, s)
        )
    hom = torch.from_numpy(g[:1])
    pts = torch.from_numpy(100 * rng.random((1, 10, 2)))
    for s in (2, 3):
        f = 2.0 ** (s - 1)

        def down(p: torch.Tensor, f: float = f) -> torch.Tensor:
            return (p + 0.5) / f - 0.5

        torch.testing.assert_close(
            apply_homography(rescale_homography(hom, 1, s), down(pts)),
            down(apply_homography(hom, pts)),
        )
    via_3 = rescale_homography(rescale_homography(hom, 1, 3), 3, 2)
    torch.testing.assert_close(via_3, rescale_homography(hom, 1, 2))


def test_half_precision_is_lifted_to_float32_even_under_autocast() -> None:
    off = torch.tensor([[[1.0, 2.0], [-3.0, 0.5], [2.0, -1.0], [0.0, 4.0]]])
    want = offsets_to_homography(off, 32, 48)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        for dtype in (torch.float16, torch.bfloat16):
            hom = offsets_to_homography(off.to(dtype), 32, 48)
            assert hom.dtype == torch.float32
            assert rescale_homography(hom.to(dtype), 1, 2).dtype == torch.float32
            assert homography_to_offsets(hom.to(dtype), 32, 48).dtype == torch.float32
        hom = offsets_to_homography(off, 32, 48)
        assert hom.dtype == torch.float32
        torch.testing.assert_close(hom, want)
        assert offsets_to_homography(off.double(), 32, 48).dtype == F64
        assert rescale_homography(hom.double(), 3, 1).dtype == F64
