"""Augmentations keep every label consistent with the input, H included."""

from __future__ import annotations

import torch

from vident.io.scales import downsample, scale_homography
from vident.train.augment import augment
from vident.train.config import AugmentConfig, JitterConfig


def _clip_batch() -> dict:
    """One clip of 2 frames whose content moves by (3, 1) px: x_1 = H x_0 with H a translation."""
    g = torch.Generator().manual_seed(0)
    canvas = torch.rand(3, 40, 48, generator=g)
    f0, f1 = canvas[:, 4:36, 4:44], canvas[:, 3:35, 1:41]  # f1(x) = f0(x - (3, 1))
    b = torch.stack([f0, f1])[None]
    h = torch.eye(3).repeat(1, 2, 1, 1).double()
    h[0, 1, 0, 2], h[0, 1, 1, 2] = 3.0, 1.0
    return {
        "B": [downsample(b, s) for s in (1, 2, 3)],
        "R": [downsample(b, s) for s in (1, 2, 3)],
        "M": [downsample(b[:, :, :1], s) for s in (1, 2, 3)],
        "H": [torch.from_numpy(scale_homography(h.numpy(), s)) for s in (1, 2, 3)],
    }


def _warp_error(prev: torch.Tensor, cur: torch.Tensor, h: torch.Tensor) -> float:
    """Mean |cur(H p) - prev(p)| over interior pixels p (nearest pixel; translations only)."""
    dx, dy = int(round(h[0, 2].item())), int(round(h[1, 2].item()))
    hgt, wid = prev.shape[-2:]
    ys, xs = slice(4, hgt - 4), slice(4, wid - 4)
    moved = cur[:, 4 + dy : hgt - 4 + dy, 4 + dx : wid - 4 + dx]
    return (moved - prev[:, ys, xs]).abs().mean().item()


def test_flips_conjugate_h_so_it_still_maps_prev_to_cur() -> None:
    batch = _clip_batch()
    cfg = AugmentConfig(hflip=1.0, vflip=1.0, channels=0.0, jitter=JitterConfig(0.0, 0.0, 0.0))
    out = augment(batch, cfg, torch.Generator().manual_seed(0))
    r, h = out["R"][0][0], out["H"][0][0, 1]
    assert h[0, 2].item() == -3.0 and h[1, 2].item() == -1.0
    assert _warp_error(r[0], r[1], h) < 1e-6
    assert _warp_error(r[0], r[1], batch["H"][0][0, 1]) > 0.1  # the unflipped H no longer fits
    assert torch.equal(out["M"][0][0, 0, 0], batch["M"][0][0, 0, 0].flip(-1).flip(-2))


def test_channel_permutation_shared_by_b_and_r_and_jitter_on_b_only() -> None:
    batch = _clip_batch()
    cfg = AugmentConfig(hflip=0.0, vflip=0.0, channels=1.0, jitter=JitterConfig(0.0, 0.0, 0.0))
    out = augment(batch, cfg, torch.Generator().manual_seed(1))
    assert torch.allclose(out["B"][1], out["R"][1], atol=1e-6)  # jitter of strength 0
    assert not torch.equal(out["R"][0], batch["R"][0])
    jit = AugmentConfig(hflip=0.0, vflip=0.0, channels=0.0, jitter=JitterConfig(0.3, 0.3, 0.3))
    out = augment(batch, jit, torch.Generator().manual_seed(2))
    assert torch.equal(out["R"][0], batch["R"][0]) and not torch.equal(out["B"][0], batch["B"][0])
