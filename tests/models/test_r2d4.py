"""R2-D4 family (§3): parameter counts against Table 3.1, the ablations' relations, block maths
(MECA / ECA, MS-RDB dilations), pair forward, gradients.

Parameter counts: §3's equations fix widths and block counts but leave the layers per RDB open
(eq. 3.11 shows 3 "for illustration"); with RDN's 6 (see the module docstring) R2-D4 / R2-D3
have 4.67M / 3.97M, within 15% of the thesis' 5.1M / 4.4M, and the second decoder costs 0.70M
(thesis 0.7M). R2-D4⁻ swaps MECA for ECA and dilated for plain layers, so it keeps R2-D4's
size (Table 3.1 lists both at 5.1M and 270.7 GFLOPs)."""

from __future__ import annotations

import pytest
import torch

from vident.models.r2d4 import R2D4, ChannelAttention1D, rdb
from vident.models.zoo import build_model, count_parameters

THESIS_PARAMS = {"r2d4": 5.1, "r2d3": 4.4, "r2d4-": 5.1}  # Table 3.1, millions
EXACT_PARAMS = {"r2d4": 4_669_801, "r2d3": 3_968_006, "r2d4-": 4_669_773}


@pytest.mark.parametrize("name", sorted(THESIS_PARAMS))
def test_parameter_counts_match_the_thesis(name: str) -> None:
    params = count_parameters(build_model(name))
    assert abs(params / 1e6 - THESIS_PARAMS[name]) <= 0.15 * THESIS_PARAMS[name], params
    assert params == EXACT_PARAMS[name]


def test_block_ablation_keeps_the_size_and_the_cascade_adds_a_decoder() -> None:
    full, minus, single = (EXACT_PARAMS[n] for n in ("r2d4", "r2d4-", "r2d3"))
    assert full - minus == 4 * 7  # MECA's 2-channel 7-tap conv vs ECA's 1-channel, 4 modules
    assert 0.6e6 < full - single < 0.8e6  # Table 3.1: 5.1M - 4.4M


def test_literal_three_layer_blocks_give_the_smaller_counts() -> None:
    """eq. 3.11 read with 3 layers per RDB: the 2.6M / 2.1M of the previous build."""
    assert count_parameters(R2D4(rdb_layers=3)) == 2_598_025
    assert count_parameters(R2D4(decoders=1, rdb_layers=3)) == 2_111_414


def test_ms_rdb_dilations_grow_over_its_layers() -> None:
    def dilations(block: torch.nn.Module) -> list[int]:
        return [layer[0].dilation[0] for layer in block.layers]

    assert dilations(rdb(16, 16, 3, multiscale=True)) == [1, 2, 3]  # eq. 3.12
    assert dilations(rdb(16, 16, 6, multiscale=True)) == [1, 1, 2, 2, 3, 3]
    assert dilations(rdb(16, 16, 6)) == [1] * 6
    with pytest.raises(ValueError, match="multiple of 3"):
        rdb(16, 16, 4, multiscale=True)


def test_meca_by_hand() -> None:
    """MECA: sigmoid(1D conv over channels of [avg; max]); a centre tap (a, b) weighs c by
    sigmoid(a*avg_c + b*max_c)."""
    att = ChannelAttention1D(k=3, modulated=True)
    with torch.no_grad():
        att.conv.weight.zero_()
        att.conv.weight[0, 0, 1], att.conv.weight[0, 1, 1] = 1.0, -2.0
    x = torch.tensor([[1.0, 3.0], [0.0, 4.0]]).view(1, 2, 1, 2)  # channel means 2, 2; maxes 3, 4
    w = torch.sigmoid(torch.tensor([2 - 6.0, 2 - 8.0])).view(1, 2, 1, 1)
    assert torch.allclose(att(x), x * w)
    eca = ChannelAttention1D(k=3, modulated=False)
    assert eca.conv.weight.shape == (1, 1, 3)


def test_restores_at_scale_one_and_uses_the_previous_frame() -> None:
    torch.manual_seed(0)
    model = build_model("r2d4").eval()
    cur = torch.rand(2, 3, 32, 40)
    with torch.no_grad():
        a = model(torch.rand(2, 3, 32, 40), cur)
        b = model(torch.rand(2, 3, 32, 40), cur)
    assert a.tasks() == ["R"] and a.R[0].shape == (2, 3, 32, 40) and a.R[1] is None
    assert 0.0 <= a.R[0].min() and a.R[0].max() <= 1.0
    assert (a.R[0] - b.R[0]).abs().max() > 1e-5


@pytest.mark.parametrize("name", ["r2d4", "r2d3", "r2d4-"])
def test_forward_shapes_on_cpu(name: str) -> None:
    torch.manual_seed(0)
    model = build_model(name)
    for train, (h, w) in ((True, (16, 24)), (False, (20, 28))):
        model.train(train)
        with torch.no_grad():
            out = model(torch.rand(1, 3, h, w), torch.rand(1, 3, h, w))
        assert out.tasks() == ["R"] and out.R[0].shape == (1, 3, h, w)
        assert out.R[1] is None and out.R[2] is None and torch.isfinite(out.R[0]).all()
    with pytest.raises(ValueError, match="divisible by 4"):
        model(torch.rand(1, 3, 18, 24), torch.rand(1, 3, 18, 24))


@pytest.mark.parametrize("name", ["r2d4", "r2d3", "r2d4-"])
def test_gradients_reach_every_parameter(name: str) -> None:
    torch.manual_seed(0)
    model = build_model(name).train()
    # the deformable offsets start at zero: nudge them so their gradient is generic
    with torch.no_grad():
        model.align.offsets.weight.normal_(0, 0.01)
    out = model(torch.rand(1, 3, 16, 24), torch.rand(1, 3, 16, 24))
    out.R[0].square().mean().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.any()]
    assert not missing
