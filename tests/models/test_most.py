"""MOST networks: shapes per scale, parameter counts, NSS-derived structures, cascade, gradients."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from vident.homography import rescale_homography
from vident.models.most import MOSTNet
from vident.models.output import MultiTaskOutput
from vident.models.structure import NSS_FOUND, HeadStructure
from vident.models.zoo import build_model, count_parameters, model_names

N, H, W = 2, 64, 80

# Parameter counts in millions from the dissertation (Tables 5.2, 6.3, 6.4).
THESIS_PARAMS = {
    "most-net": 9.8,
    "most-net-ns": 9.7,
    "most-net-ne": 9.8,
    "most-net-nw": 9.8,
    "most-net++": 8.9,
    "most-nss++": 6.8,
}


@pytest.fixture(scope="module")
def frames() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.rand(N, 3, H, W, generator=g), torch.rand(N, 3, H, W, generator=g)


@pytest.fixture(scope="module")
def outputs(
    frames: tuple[torch.Tensor, torch.Tensor],
) -> dict[str, tuple[MOSTNet, MultiTaskOutput]]:
    torch.manual_seed(0)
    result = {}
    with torch.no_grad():
        for name in model_names():
            model = build_model(name).eval()
            result[name] = (model, model(*frames))
    return result


def test_registry_has_the_family() -> None:
    assert set(THESIS_PARAMS) | {"most-net-nmo"} <= set(model_names())


def test_every_model_gives_per_scale_shapes(outputs: dict) -> None:
    for name, (model, out) in outputs.items():
        assert out.tasks(), name
        for s in (1, 2, 3):
            h, w = H // 2 ** (s - 1), W // 2 ** (s - 1)
            for task, shape in (("R", (N, 3, h, w)), ("M", (N, 1, h, w)), ("H", (N, 3, 3))):
                o = getattr(out, task)[s - 1]
                if isinstance(model, MOSTNet):
                    assert (o is not None) == model.heads.has(task, s), (name, task, s)
                if o is not None:
                    assert o.shape == shape, (name, task, s)
                    assert torch.isfinite(o).all(), (name, task, s)
        r = [x for x in out.R if x is not None]
        assert all(0 <= x.min() and x.max() <= 1 for x in r), name


def test_nss_found_structure_drops_outputs(outputs: dict) -> None:
    out = outputs["most-nss++"][1]
    assert [x is not None for x in out.R] == [True, False, True]
    assert [x is not None for x in out.M] == [False, True, True]
    assert [x is not None for x in out.H] == [False, False, True]
    assert [x is None for x in outputs["most-net-ns"][1].M] == [True] * 3
    assert [x is not None for x in outputs["most-net-nmo"][1].H] == [True, False, False]


@pytest.mark.parametrize("name", sorted(THESIS_PARAMS))
def test_parameter_counts_match_the_thesis(name: str) -> None:
    millions = count_parameters(build_model(name)) / 1e6
    assert abs(millions - THESIS_PARAMS[name]) <= 0.15 * THESIS_PARAMS[name], millions


def test_derived_network_is_really_smaller() -> None:
    full, derived = build_model("most-net++"), build_model("most-nss++")
    dropped = [full.r_heads["2"], full.m_heads["1"], full.mga["1"], full.mga["2"],
               full.h_heads["1"], full.h_heads["2"]]  # fmt: skip
    removed = sum(count_parameters(m) for m in dropped)
    assert removed > 1_000_000
    assert count_parameters(full) - count_parameters(derived) == removed
    assert count_parameters(build_model("most-net-nmo")) < count_parameters(build_model("most-net"))


def test_structure_from_json_builds_the_same_network(tmp_path: Path) -> None:
    path = tmp_path / "found.json"
    path.write_text(
        '{"R": [true, false, true], "M": [false, true, true], "H": [false, false, true]}'
    )
    model = build_model("most-net++", heads=HeadStructure.from_json(path))
    assert model.heads == NSS_FOUND
    assert count_parameters(model) == count_parameters(build_model("most-nss++"))


def _set_offsets(model: MOSTNet, s: int, offsets: torch.Tensor) -> None:
    linear = model.h_heads[str(s)].head[1]
    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.copy_(offsets.reshape(8))


def test_cascade_conjugates_the_coarse_homography(frames: tuple) -> None:
    torch.manual_seed(1)
    model = build_model("most-net++").eval()
    _set_offsets(model, 3, torch.tensor([[1.0, 0.5], [1.0, 0.5], [1.0, 0.5], [1.0, 0.5]]))
    _set_offsets(model, 2, torch.zeros(4, 2))
    _set_offsets(model, 1, torch.zeros(4, 2))
    with torch.no_grad():
        out = model(*frames)
    want3 = torch.tensor([[1.0, 0, 1], [0, 1, 0.5], [0, 0, 1]]).expand(N, 3, 3)
    torch.testing.assert_close(out.H[2], want3, atol=1e-4, rtol=0)
    torch.testing.assert_close(out.H[1], rescale_homography(out.H[2], 3, 2), atol=1e-4, rtol=0)
    # a shift of (1, 0.5) px at scale 3 is (4, 2) px at full resolution
    torch.testing.assert_close(
        out.H[0][:, :2, 2], torch.tensor([[4.0, 2.0]] * N), atol=1e-3, rtol=0
    )


def test_predicted_homography_warps_the_previous_features(frames: tuple) -> None:
    torch.manual_seed(2)
    warped, unwarped = build_model("most-net++").eval(), build_model("most-net++").eval()
    _set_offsets(warped, 3, torch.full((4, 2), 2.0))
    unwarped.load_state_dict(warped.state_dict())
    unwarped.warp_features = False
    with torch.no_grad():
        a, b = warped(*frames), unwarped(*frames)
    torch.testing.assert_close(a.R[2], b.R[2])  # scale 3 is aligned with the identity
    assert (a.R[0] - b.R[0]).abs().max() > 1e-4  # finer scales use the scale-3 homography


@pytest.mark.parametrize("name", ["most-net", "most-net++", "most-nss++"])
def test_backward_reaches_every_parameter(name: str, frames: tuple) -> None:
    torch.manual_seed(3)
    model = build_model(name).train()
    out = model(*frames)
    loss = sum(o.square().mean() for o in out.R + out.M + out.H if o is not None)
    loss.backward()
    missing = [
        n for n, p in model.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0
    ]
    assert not missing, missing


def test_frame_size_must_divide_by_four() -> None:
    with pytest.raises(ValueError, match="divisible by 4"):
        build_model("most-nss++")(torch.rand(1, 3, 30, 40), torch.rand(1, 3, 30, 40))


def test_homographies_stay_float32_under_autocast(frames: tuple) -> None:
    model = build_model("most-nss++").eval()
    _set_offsets(model, 3, torch.full((4, 2), 0.25))  # exact in bfloat16
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        out = model(*frames)
    assert out.H[2].dtype == torch.float32
    want = torch.tensor([[1.0, 0, 0.25], [0, 1, 0.25], [0, 0, 1]]).expand(N, 3, 3)
    torch.testing.assert_close(out.H[2], want, atol=1e-5, rtol=0)
