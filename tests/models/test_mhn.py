"""MHN / HMG baseline: parameter count, the coarse-to-fine cascade, gradients."""

from __future__ import annotations

import torch

from vident.homography import rescale_homography
from vident.models.mhn import MHN, grayscale
from vident.models.zoo import build_model, count_parameters


def test_parameter_count_matches_the_thesis() -> None:
    millions = count_parameters(build_model("mhn")) / 1e6
    assert abs(millions - 6.2) <= 0.15 * 6.2, millions


def test_grayscale_is_bt601_luma() -> None:
    x = torch.tensor([1.0, 0.5, 0.25]).view(1, 3, 1, 1)
    assert torch.allclose(grayscale(x), torch.tensor(0.299 + 0.5 * 0.587 + 0.25 * 0.114))


def test_homography_only_at_every_scale() -> None:
    model = build_model("mhn").eval()
    with torch.no_grad():
        out = model(torch.rand(2, 3, 32, 48), torch.rand(2, 3, 32, 48))
    assert out.tasks() == ["H"]
    assert all(h.shape == (2, 3, 3) for h in out.H)


def test_cascade_composes_residual_corner_offsets() -> None:
    """With scales 2 and 1 silenced (zero offsets), H^2 and H^1 are H^3 conjugated to their
    scales; a constant offset at scale 1 alone moves every corner of H^1 by it (a translation)."""
    model = MHN().eval()
    with torch.no_grad():
        for level in model.levels[:2]:
            level.head[-1].weight.zero_()
            level.head[-1].bias.zero_()
        model.levels[2].head[-1].bias.copy_(torch.tensor([1.0, -2.0] * 4))
        out = model(torch.rand(1, 3, 32, 48), torch.rand(1, 3, 32, 48))
    h3 = out.H[2]
    assert not torch.allclose(h3, torch.eye(3))
    assert torch.allclose(out.H[1], rescale_homography(h3, 3, 2), atol=1e-5)
    assert torch.allclose(out.H[0], rescale_homography(h3, 3, 1), atol=1e-5)
    model = MHN().eval()
    with torch.no_grad():
        for level in model.levels:
            level.head[-1].weight.zero_()
            level.head[-1].bias.zero_()
        model.levels[0].head[-1].bias.copy_(torch.tensor([1.0, -2.0] * 4))
        h1 = model(torch.rand(1, 3, 16, 16), torch.rand(1, 3, 16, 16)).H[0]
    assert torch.allclose(h1, torch.tensor([[1.0, 0, 1], [0, 1, -2], [0, 0, 1]]), atol=1e-5)


def test_gradients_reach_every_parameter() -> None:
    model = build_model("mhn").train()
    out = model(torch.rand(2, 3, 32, 48), torch.rand(2, 3, 32, 48))
    sum(h.square().sum() for h in out.H).backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.any()]
    assert not missing
