"""NSS gating of inner-scale differences (eq. 6.1-6.3) pinned to hand-computed values."""

from __future__ import annotations

import pytest
import torch

from vident.homography import rescale_homography
from vident.models.blocks import resize
from vident.models.nss import derive_structure, nss_combine
from vident.models.output import MultiTaskOutput
from vident.models.structure import NSS_FOUND


def _shift(dx: float) -> torch.Tensor:
    return torch.tensor([[[1.0, 0.0, dx], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])


def _constant_output() -> MultiTaskOutput:
    """R and M constant per scale; H a translation of 1, 2, 4 px at full resolution."""
    out = MultiTaskOutput()
    for s, (r, m) in zip((1, 2, 3), ((0.6, 3.0), (0.5, 1.0), (0.2, -1.0)), strict=True):
        h, w = 16 // 2 ** (s - 1), 24 // 2 ** (s - 1)
        out.R[s - 1] = torch.full((1, 3, h, w), r)
        out.M[s - 1] = torch.full((1, 1, h, w), m)
    # full-resolution shifts 4 (s=1), 2 (s=2), 1 (s=3) expressed at each scale
    out.H = [_shift(4.0), _shift(1.0), _shift(0.25)]
    return out


def test_gated_estimate_hand_values() -> None:
    gates = torch.tensor([[0.5, 0.25, 0.9], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    est = nss_combine(_constant_output(), gates)
    # R: 0.2 + 0.25 (0.5 - 0.2) + 0.5 (0.6 - 0.5) = 0.325 (the scale-3 gate is ignored)
    torch.testing.assert_close(est["R"], torch.full((1, 3, 16, 24), 0.325))
    # M: -1 + 0 (1 - (-1)) + 1 (3 - 1) = 1
    torch.testing.assert_close(est["M"], torch.full((1, 1, 16, 24), 1.0))
    # H corner shifts: 1 + 0.5 (2 - 1) + 0.5 (4 - 2) = 2.5 px
    torch.testing.assert_close(est["H"], _shift(2.5), atol=1e-4, rtol=0)


def test_all_kept_reproduces_scale_one_and_none_kept_the_baseline() -> None:
    g = torch.Generator().manual_seed(0)
    out = MultiTaskOutput(
        R=[torch.rand(1, 3, 16 // 2**i, 24 // 2**i, generator=g) for i in range(3)],
        M=[torch.randn(1, 1, 16 // 2**i, 24 // 2**i, generator=g) for i in range(3)],
        H=[_shift(3.0) + 0.01 * torch.randn(1, 3, 3, generator=g) for _ in range(3)],
    )
    for t in out.H:
        t[:, 2, 2] = 1.0
    kept = nss_combine(out, torch.ones(3, 3))
    torch.testing.assert_close(kept["R"], out.R[0])
    torch.testing.assert_close(kept["M"], out.M[0])
    torch.testing.assert_close(kept["H"], out.H[0], atol=1e-4, rtol=1e-4)
    base = nss_combine(out, torch.zeros(3, 3))
    torch.testing.assert_close(base["R"], resize(out.R[2], (16, 24)))
    lifted = rescale_homography(out.H[2], 3, 1)
    torch.testing.assert_close(base["H"], lifted / lifted[:, 2:, 2:], atol=1e-4, rtol=1e-4)


def test_gates_receive_gradients() -> None:
    gates = torch.full((3, 3), 0.5, requires_grad=True)
    est = nss_combine(_constant_output(), gates)
    (est["R"].mean() + est["M"].mean() + est["H"][:, 0, 2].sum()).backward()
    assert gates.grad is not None and (gates.grad[:, :2].abs() > 0).all()
    assert (gates.grad[:, 2] == 0).all()


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="gates"):
        nss_combine(_constant_output(), torch.ones(3, 2))
    out = _constant_output()
    out.R[1] = None
    with pytest.raises(ValueError, match="every scale"):
        nss_combine(out, torch.ones(3, 3))


def test_derive_structure_thresholds_and_keeps_the_baseline() -> None:
    prob = torch.tensor([[0.9, 0.2, 0.6], [0.1, 0.7, 0.3], [0.4, 0.3, 0.1]])
    assert derive_structure(prob) == NSS_FOUND
