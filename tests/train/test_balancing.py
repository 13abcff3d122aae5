"""Each balancer pinned to its definition with hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch

from vident.errors import VidentError
from vident.train.balancing import (
    BALANCERS,
    ConflictCounter,
    build_balancer,
    conflicts,
    per_task_gradients,
)

TASKS = ["R", "M", "H"]


def test_registry_names() -> None:
    assert list(BALANCERS) == ["atb", "dwa", "ls", "rlw", "si"]
    with pytest.raises(VidentError, match="known: atb, dwa"):
        build_balancer("gradnorm", TASKS)


def test_atb_equalises_weighted_losses_and_keeps_their_sum() -> None:
    v = torch.tensor([0.5, 2.0, 8.0], requires_grad=True)
    total, w = build_balancer("atb", TASKS).objective(v)
    # V = 10.5, λ_i = V / (3 v_i)
    assert w.tolist() == pytest.approx([7.0, 1.75, 0.4375])
    assert (w * v.detach()).tolist() == pytest.approx([3.5, 3.5, 3.5])
    assert total.item() == pytest.approx(10.5)
    total.backward()  # λ are constants: dL/dv_i = λ_i
    assert v.grad.tolist() == pytest.approx([7.0, 1.75, 0.4375])


def test_si_is_atb_up_to_v_over_t() -> None:
    v = torch.tensor([0.5, 2.0, 8.0], requires_grad=True)
    total, w = build_balancer("si", TASKS).objective(v)
    assert total.item() == pytest.approx(math.log(0.5 * 2.0 * 8.0))
    total.backward()
    si_grad = v.grad.clone()
    assert si_grad.tolist() == pytest.approx([2.0, 0.5, 0.125])
    assert w.tolist() == pytest.approx([2.0, 0.5, 0.125])
    atb_w = build_balancer("atb", TASKS).weights(v.detach())
    assert (atb_w / si_grad).tolist() == pytest.approx([10.5 / 3] * 3)


def test_ls_thesis_defaults_and_overrides() -> None:
    v = torch.ones(3)
    assert build_balancer("ls", TASKS).weights(v).tolist() == pytest.approx([0.1, 0.2, 1400.0])
    got = build_balancer("ls", ["R", "H"], {"lambdas": {"H": 2.0}}).weights(torch.ones(2))
    assert got.tolist() == pytest.approx([0.1, 2.0])


def test_dwa_as_published() -> None:
    dwa = build_balancer("dwa", TASKS)
    v = torch.tensor([3.0, 2.0, 1.0])
    assert dwa.weights(v).tolist() == [1.0, 1.0, 1.0]  # epoch 1
    dwa.end_epoch(torch.tensor([1.0, 1.0, 1.0]))
    assert dwa.weights(v).tolist() == [1.0, 1.0, 1.0]  # epoch 2
    dwa.end_epoch(torch.tensor([0.5, 1.0, 2.0]))
    # epoch 3: r = (0.5, 1, 2); λ = 3 softmax(r / 2) = 3 e^{r/2} / Σ e^{r/2}
    e = [math.exp(0.25), math.exp(0.5), math.exp(1.0)]
    want = [3 * x / sum(e) for x in e]
    assert want == pytest.approx([0.681659, 0.875268, 1.443073], abs=1e-6)
    assert dwa.weights(v).tolist() == pytest.approx(want)
    again = build_balancer("dwa", TASKS)
    again.load_state_dict(dwa.state_dict())
    assert again.weights(v).tolist() == pytest.approx(want)


def test_rlw_softmax_of_fresh_normals_times_t() -> None:
    rlw = build_balancer("rlw", TASKS, {"seed": 7})
    ref = torch.Generator().manual_seed(7)
    v = torch.ones(3)
    seen = []
    for _ in range(3):
        w = rlw.weights(v)
        z = torch.randn(3, generator=ref, dtype=torch.float64)
        assert w.sum().item() == pytest.approx(3.0)
        # log(λ_i / λ_j) = z_i - z_j: the weights are a softmax of these exact N(0,1) draws.
        assert (w.double().log() - w.double().log()[0]).tolist() == pytest.approx(
            (z - z[0]).tolist(), abs=1e-5
        )
        seen.append(w)
    assert not torch.allclose(seen[0], seen[1])  # fresh samples every step
    state = rlw.state_dict()
    nxt = rlw.weights(v)
    other = build_balancer("rlw", TASKS, {"seed": 0})
    other.load_state_dict(state)
    assert torch.equal(other.weights(v), nxt)


def test_conflicts_by_hand() -> None:
    g = torch.tensor([[1.0, 0.0], [-1.0, 1.0], [0.0, 1.0]])
    c = conflicts(g)
    assert c.tolist() == [[False, True, False], [False, False, False], [False, False, False]]
    counter = ConflictCounter(TASKS)
    assert counter.update(g) is True
    assert counter.update(torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])) is False  # no dot < 0
    assert counter.summary() == {"rate": 0.5, "R-M": 0.5, "R-H": 0.0, "M-H": 0.0}


def test_per_task_gradients_on_shared_weights() -> None:
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    head = torch.nn.Parameter(torch.tensor(3.0))
    losses = torch.stack([(w * torch.tensor([1.0, 0.0])).sum(), -(w**2).sum() / 2, head * w[1]])
    g = per_task_gradients(losses, [w, head])
    assert g.tolist() == [[1.0, 0.0, 0.0], [-1.0, -2.0, 0.0], [0.0, 3.0, 2.0]]
    assert conflicts(g).tolist() == [
        [False, True, False],
        [False, False, True],
        [False, False, False],
    ]
