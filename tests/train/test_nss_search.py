"""Neural Scale Search: the gates, sparsity, derivation, the search objective, and
the pretrain -> search -> derive -> retrain schedule end to end on the tiny store."""

from __future__ import annotations

import json
import math

import pytest
import torch
from tinymtl import build_tiny

from vident.models.structure import HeadStructure
from vident.train.config import NSSConfig, config_from_dict
from vident.train.nss import ScaleSearch, gumbel_gates
from vident.train.schedule import run_training


def test_gumbel_gates_and_sparsity() -> None:
    alpha = torch.tensor([[8.0, -8.0]])
    gates = gumbel_gates(alpha, tau=1.0, gen=torch.Generator().manual_seed(0), hard=False)
    assert gates[0, 0] > 0.9 and gates[0, 1] < 0.1
    hard = gumbel_gates(alpha, tau=1.0, gen=torch.Generator().manual_seed(0), hard=True)
    assert hard.tolist() == [[1.0, 0.0]]
    search = ScaleSearch(["R", "M"], NSSConfig(sparsity=0.5, alpha_init=0.0, threshold=0.5), seed=0)
    # L0 = Σ log σ(α) over 2 tasks x 2 searchable scales at α = 0: 4 log(1/2)
    assert search.sparsity().item() == pytest.approx(0.5 * 4 * math.log(0.5))
    with torch.no_grad():
        search.alpha.copy_(torch.tensor([[1.0, -1.0], [-1.0, 1.0]]))
    assert search.derive() == HeadStructure(R=(True, False, True), M=(False, True, True))  # H: all


def test_search_objective_with_every_gate_open_is_the_scale_1_loss() -> None:
    from vident.models.output import MultiTaskOutput
    from vident.train.losses import loss_matrix

    g = torch.Generator().manual_seed(0)
    out = MultiTaskOutput(
        R=[torch.rand(2, 3, 16 // 2**s, 20 // 2**s, generator=g) for s in range(3)],
        M=[torch.randn(2, 1, 16 // 2**s, 20 // 2**s, generator=g) for s in range(3)],
    )
    target = {
        "R": [torch.rand(2, 3, 16 // 2**s, 20 // 2**s, generator=g) for s in range(3)],
        "M": [
            (torch.rand(2, 1, 16 // 2**s, 20 // 2**s, generator=g) > 0.5).float() for s in range(3)
        ],
    }
    search = ScaleSearch(["R", "M"], NSSConfig(alpha_init=60.0, tau=1.0), seed=0)  # gates -> 1
    got = search.losses(out, target)
    assert torch.allclose(got, loss_matrix(out, target, ["R", "M"])[:, 0], atol=1e-5)
    search_closed = ScaleSearch(["R", "M"], NSSConfig(alpha_init=-60.0, tau=1.0), seed=0)
    assert not torch.allclose(search_closed.losses(out, target), got, atol=1e-3)
    assert search.keep_probabilities()[:, 2].tolist() == [1.0, 1.0]


def test_nss_schedule_end_to_end(tiny_sets, tmp_path) -> None:
    train, val = tiny_sets
    cfg = config_from_dict(
        {
            "model": {"name": "tiny"},
            "balancer": {"name": "atb"},
            "batch_size": 2,
            "epochs": 1,
            "lr": 3e-3,
            "device": "cpu",
            "tensorboard": False,
            "checkpoint_every": 50,
            "nss": {
                "pretrain_epochs": 1,
                "search_epochs": 1,
                "tau": 5.0,
                "sparsity": 1.0,
                "alpha_init": 0.0,
            },
        }
    )
    metrics = run_training(cfg, tmp_path, train_set=train, val_set=val, build=build_tiny)
    structure = json.loads((tmp_path / "nss" / "structure.json").read_text())
    assert set(structure) == {"R", "M", "H"} and all(row[2] for row in structure.values())
    searched = json.loads((tmp_path / "nss" / "search" / "metrics.json").read_text())
    probs = torch.tensor(searched["keep_probability"])
    assert not torch.allclose(probs[:, :2], torch.full((3, 2), 0.5))  # α moved during the search
    saved = torch.load(tmp_path / "model.pt", weights_only=False)
    assert saved["structure"] == [structure[t] for t in ("R", "M", "H")] == metrics["structure"]
    derived = build_tiny(cfg.model, HeadStructure.from_matrix(saved["structure"]))
    derived.load_state_dict(saved["state_dict"])  # the saved weights are the smaller network's
