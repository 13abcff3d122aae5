"""Restore-from-Restored sharpening: the PSF is exact, and training on pseudo-clean frames only
makes mildly defocused frames sharper (closer to the unseen sharp truth)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from skimage import data

from vident.real.sharpen import defocus, disk_kernel, sharpen, train_sharpener


def test_disk_kernel_is_normalised_and_round() -> None:
    assert torch.equal(disk_kernel(0), torch.ones(1, 1))
    k = disk_kernel(2.0)
    assert k.shape == (5, 5)
    assert k.sum().item() == pytest.approx(1.0, abs=1e-6)
    assert torch.allclose(k, k.T) and torch.allclose(k, k.flip(0))
    assert k[2, 2] > k[0, 2] > k[0, 0]  # corners are (almost) outside the disk


def test_defocus_keeps_constants_and_mean() -> None:
    x = torch.full((1, 3, 16, 16), 0.3)
    assert torch.allclose(defocus(x, 2.0), x, atol=1e-6)
    y = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    assert defocus(y, 1.5).std() < y.std()


def _psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(10 * torch.log10(1 / torch.mean((a - b) ** 2)))


def test_rfromr_sharpens_unseen_defocus() -> None:
    rgb = cv2.resize(data.astronaut(), (128, 128), interpolation=cv2.INTER_AREA)
    sharp = torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 255
    frames = torch.cat([sharp, sharp.flip(-1), sharp.flip(-2)])
    blurry = torch.from_numpy(
        np.stack([cv2.GaussianBlur(f.permute(1, 2, 0).numpy(), (0, 0), 0.8) for f in frames])
    ).permute(0, 3, 1, 2)
    net = train_sharpener(blurry, iters=300, crop=48, batch=8, max_radius=2.0, width=24, depth=5)
    restored = sharpen(net, blurry)
    assert _psnr(restored, frames) > _psnr(blurry, frames) + 0.3
