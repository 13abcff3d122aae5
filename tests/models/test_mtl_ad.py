"""MTL-AD family (§4): filter-adaptive convolution by hand, parameter counts, mask propagation
policies (MPP / MPGT), pair forward and gradients.

Parameter counts: MTL-AD-MPGT, -MPP and MTL-AD are within ±15% of Table 4.1 (8.2, 8.2, 7.6M);
MTL-A and MTL-V are not (5.80M vs 7.2M, 4.35M vs 6.8M): removing STFAN's kernel branches costs
1.7M (K_d) and 1.4M (K_a with the memory conv) here, 0.4M each in the thesis (see the
report); their counts are pinned."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from vident.models.mtl_ad import filter_adaptive_conv
from vident.models.zoo import build_model, count_parameters

THESIS = {"mtl-ad-mpgt": 8.2, "mtl-ad-mpp": 8.2, "mtl-ad": 7.6}
PINNED = {"mtl-a": 5_800_708, "mtl-v": 4_354_948}


@pytest.mark.parametrize("name", sorted(THESIS))
def test_parameter_counts_match_the_thesis(name: str) -> None:
    millions = count_parameters(build_model(name)) / 1e6
    assert abs(millions - THESIS[name]) <= 0.15 * THESIS[name], millions


@pytest.mark.parametrize("name", sorted(PINNED))
def test_ablation_counts_are_pinned(name: str) -> None:
    assert count_parameters(build_model(name)) == PINNED[name]


def test_filter_adaptive_conv_by_hand() -> None:
    """Uniform 3x3 kernels are a zero-padded box filter; a one-hot kernel at (i, j) shifts the
    channel by (i-1, j-1); kernels differ per channel and pixel."""
    x = torch.arange(2 * 4 * 5, dtype=torch.float32).view(1, 2, 4, 5)
    box = filter_adaptive_conv(x, torch.full((1, 18, 4, 5), 1 / 9), k=3)
    assert torch.allclose(box, F.avg_pool2d(x, 3, 1, 1, count_include_pad=True), atol=1e-5)
    kernels = torch.zeros(1, 2, 9, 4, 5)
    kernels[:, 0, 5] = 1.0  # channel 0 reads its right neighbour (i=1, j=2)
    kernels[:, 1, 1] = 2.0  # channel 1 reads twice its upper neighbour (i=0, j=1)
    kernels[:, 1, 1, 0, 0] = 0.0  # ... except at pixel (0, 0)
    out = filter_adaptive_conv(x, kernels.view(1, 18, 4, 5), k=3)
    right = F.pad(x[:, 0, :, 1:], (0, 1))
    up = 2 * F.pad(x[:, 1, :-1], (0, 0, 1, 0))
    up[:, 0, 0] = 0.0
    assert torch.equal(out[:, 0], right) and torch.equal(out[:, 1], up)


def test_outputs_and_mask_propagation_policies() -> None:
    torch.manual_seed(0)
    prev, cur = torch.rand(2, 3, 32, 40), torch.rand(2, 3, 32, 40)
    true_prev = torch.ones(2, 1, 32, 40)
    mpgt = build_model("mtl-ad-mpgt")
    mpp = build_model("mtl-ad-mpp")
    mpp.load_state_dict(mpgt.state_dict())  # same network, different training policy
    with torch.no_grad():
        out = mpgt.eval()(prev, cur)
        assert out.tasks() == ["R", "M"]
        assert out.R[0].shape == (2, 3, 32, 40) and out.M[0].shape == (2, 1, 32, 40)
        assert out.R[1] is None and out.M[2] is None and out.H == [None] * 3
        # in evaluation both propagate their own prediction; the true mask is ignored
        assert torch.equal(mpgt(prev, cur, true_prev).M[0], out.M[0])
        assert torch.equal(mpp.eval()(prev, cur).M[0], out.M[0])
        mpgt.train(), mpp.train()
        forced = mpgt(prev, cur, true_prev).M[0]
        assert (forced - mpgt(prev, cur).M[0]).abs().max() > 1e-6  # MPGT uses the true mask
        assert torch.equal(mpp(prev, cur, true_prev).M[0], mpp(prev, cur).M[0])  # MPP does not


@pytest.mark.parametrize("name", ["mtl-ad-mpgt", "mtl-v"])
def test_gradients_reach_every_parameter(name: str) -> None:
    torch.manual_seed(0)
    model = build_model(name).train()
    out = model(torch.rand(1, 3, 16, 24), torch.rand(1, 3, 16, 24))
    (out.R[0].square().mean() + out.M[0].square().mean()).backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.any()]
    assert not missing
