"""PSNR and SSIM pinned to hand-computed values and to scikit-image."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from vident.metrics import psnr, ssim


@pytest.fixture(scope="module")
def pair() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    target = torch.rand(2, 3, 24, 30, generator=g)
    pred = (target + 0.08 * torch.randn(2, 3, 24, 30, generator=g)).clamp(0, 1)
    return pred, target


def test_psnr_hand_value() -> None:
    target = torch.full((1, 3, 4, 4), 0.5)
    pred = target + 1.0 / 255.0  # error of exactly 1 grey level: MSE 1 at range 255
    assert psnr(pred, target).item() == pytest.approx(10 * np.log10(255.0**2), abs=1e-4)


def test_psnr_matches_skimage(pair) -> None:
    pred, target = pair
    ours = psnr(pred, target)
    for k in range(2):
        a = target[k].permute(1, 2, 0).double().numpy() * 255
        b = pred[k].permute(1, 2, 0).double().numpy() * 255
        assert ours[k].item() == pytest.approx(
            peak_signal_noise_ratio(a, b, data_range=255), abs=1e-6
        )


def test_ssim_matches_skimage(pair) -> None:
    pred, target = pair
    ours = ssim(pred, target)
    for k in range(2):
        a = target[k].permute(1, 2, 0).double().numpy() * 255
        b = pred[k].permute(1, 2, 0).double().numpy() * 255
        ref = structural_similarity(
            a,
            b,
            data_range=255,
            channel_axis=-1,
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
        )
        assert ours[k].item() == pytest.approx(ref, abs=1e-6)
    assert 0.5 < ours.mean().item() < 0.99  # the noisy pair is neither identical nor unrelated


def test_ssim_identity_is_one(pair) -> None:
    _, target = pair
    assert torch.allclose(ssim(target, target), torch.ones(2, dtype=torch.float64))
