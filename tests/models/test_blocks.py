"""Homography maths (DLT, scale conjugation) and warping, pinned to hand-computed values."""

from __future__ import annotations

import torch

from vident.models.blocks import (
    offsets_to_homography,
    rescale_homography,
    scale_homography,
    warp,
)


def _apply(hom: torch.Tensor, pts: torch.Tensor) -> torch.Tensor:
    p = torch.cat([pts, torch.ones(len(pts), 1, dtype=pts.dtype)], 1) @ hom.T
    return p[:, :2] / p[:, 2:]


def test_zero_corner_offsets_give_identity() -> None:
    hom = offsets_to_homography(torch.zeros(2, 4, 2), 64, 80)
    torch.testing.assert_close(hom, torch.eye(3).expand(2, 3, 3), atol=1e-5, rtol=0)


def test_equal_corner_offsets_give_translation() -> None:
    off = torch.tensor([3.0, -2.0]).expand(1, 4, 2)
    hom = offsets_to_homography(off, 64, 80)[0]
    want = torch.tensor([[1.0, 0, 3], [0, 1, -2], [0, 0, 1]])
    torch.testing.assert_close(hom, want, atol=1e-4, rtol=0)


def test_dlt_moves_the_corners_where_asked() -> None:
    off = torch.tensor([[[1.0, 2.0], [-3.0, 0.5], [2.0, -1.0], [0.0, 4.0]]])
    hom = offsets_to_homography(off, 32, 48)[0]
    corners = torch.tensor([[0.0, 0.0], [47.0, 0.0], [47.0, 31.0], [0.0, 31.0]])
    torch.testing.assert_close(_apply(hom, corners), corners + off[0], atol=1e-3, rtol=0)


def test_scale_homography_hand_values() -> None:
    shift = torch.tensor([[[1.0, 0, 4], [0, 1, 2], [0, 0, 1]]])
    torch.testing.assert_close(
        scale_homography(shift, 2)[0], torch.tensor([[1.0, 0, 2], [0, 1, 1], [0, 0, 1]])
    )
    zoom = torch.diag(torch.tensor([2.0, 2.0, 1.0]))[None]
    # S = [[1/2,0,-1/4],[0,1/2,-1/4],[0,0,1]]: S diag(2,2,1) S^-1 = [[2,0,1/4],[0,2,1/4],[0,0,1]]
    torch.testing.assert_close(
        scale_homography(zoom, 2)[0], torch.tensor([[2.0, 0, 0.25], [0, 2, 0.25], [0, 0, 1]])
    )
    torch.testing.assert_close(scale_homography(zoom, 1), zoom)


def test_scale_homography_commutes_with_point_scaling() -> None:
    g = torch.Generator().manual_seed(0)
    hom = torch.eye(3, dtype=torch.float64) + 0.05 * torch.randn(
        3, 3, generator=g, dtype=torch.float64
    )
    hom[2, :2] *= 0.01
    pts = 100 * torch.rand(10, 2, generator=g, dtype=torch.float64)
    for s in (2, 3):
        f = 2.0 ** (s - 1)

        def down(p: torch.Tensor, f: float = f) -> torch.Tensor:
            return (p + 0.5) / f - 0.5

        torch.testing.assert_close(
            _apply(scale_homography(hom[None], s)[0], down(pts)), down(_apply(hom, pts))
        )
    via_3 = rescale_homography(scale_homography(hom[None], 3), 3, 2)
    torch.testing.assert_close(via_3, scale_homography(hom[None], 2))


def test_warp_by_integer_translation_shifts_pixels() -> None:
    x = torch.rand(1, 2, 12, 16)
    hom = torch.tensor([[[1.0, 0, 2], [0, 1, 1], [0, 0, 1]]])  # x_t = x_{t-1} + (2, 1)
    out = warp(x, hom)
    torch.testing.assert_close(out[..., 1:, 2:], x[..., :-1, :-2], atol=1e-5, rtol=0)
    assert out[..., 0, :].abs().max() < 1e-6 and out[..., :, :2].abs().max() < 1e-6
    torch.testing.assert_close(warp(x, torch.eye(3)[None]), x, atol=1e-5, rtol=0)
