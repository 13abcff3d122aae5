"""F2F building blocks pinned to hand-computed values."""

from __future__ import annotations

import numpy as np
import torch

from vident.denoise.bayer import pack_rggb, planes_to_rgb, unpack_rggb
from vident.denoise.f2f import VideoPairs, crop_batch, masked_l1
from vident.denoise.net import DenoiserConfig, DnCNN, load_denoiser, save_denoiser


def test_pack_rggb_places_each_site_in_its_plane_and_round_trips() -> None:
    mosaic = np.array([[[10, 20, 11, 21], [30, 40, 31, 41]]], dtype=np.uint16) * 1000
    planes = pack_rggb(mosaic) * 65535
    assert planes[0, :, 0, 0].round().tolist() == [10000, 20000, 30000, 40000]  # R, G1, G2, B
    assert planes[0, :, 0, 1].round().tolist() == [11000, 21000, 31000, 41000]
    assert np.array_equal(unpack_rggb(pack_rggb(mosaic)), mosaic)
    rgb = planes_to_rgb(pack_rggb(mosaic)) * 65535
    assert rgb[0, :, 0, 0].round().tolist() == [10000, 25000, 40000]


def test_new_denoiser_is_identity_and_round_trips(tmp_path) -> None:
    torch.manual_seed(0)
    model = DnCNN(DenoiserConfig(channels=4, features=8, depth=3))
    x = torch.rand(1, 4, 10, 12)
    assert torch.equal(model(x), x)
    with torch.no_grad():
        model.body[-1].bias.fill_(0.1)
    save_denoiser(model, tmp_path / "d.pt")
    again = load_denoiser(tmp_path / "d.pt")
    assert again.config == model.config
    assert torch.allclose(again(x), x - 0.1)


def test_masked_l1_ignores_masked_pixels() -> None:
    pred = torch.tensor([[[[0.0, 1.0], [0.5, 0.5]]]])
    target = torch.tensor([[[[1.0, 1.0], [0.0, 9.0]]]])
    valid = torch.tensor([[[[True, True], [True, False]]]])
    assert torch.isclose(masked_l1(pred, target, valid), torch.tensor(1.5 / 3))


def test_crop_targets_follow_the_flow() -> None:
    """Frame 1 is frame 0 shifted right by 2 px; with flow (+2, 0) the target crop of frame 0
    is exactly frame 0's crop, sampled from frame 1 (also outside the crop window)."""
    base = torch.rand(1, 3, 12, 16, generator=torch.Generator().manual_seed(0))
    shifted = torch.roll(base, shifts=2, dims=-1)
    frames = torch.cat([base, shifted])
    flow = torch.zeros(1, 2, 12, 16)
    flow[:, 0] = 2
    valid = torch.ones(1, 1, 12, 16, dtype=torch.bool)
    valid[..., 14:] = False
    pairs = VideoPairs(frames, torch.tensor([0]), torch.tensor([1]), flow.half(), valid)
    x, y, m = crop_batch([pairs], 8, 3, torch.Generator().manual_seed(1))
    assert x.shape == (3, 3, 8, 8) and m.shape == (3, 1, 8, 8)
    assert torch.allclose(x[m.expand_as(x)], y[m.expand_as(y)], atol=1e-6)
