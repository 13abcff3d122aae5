"""Neural Scale Search (§6.2.2): learn which (task, scale) outputs a MOST network needs.

Search side (this module): keep-logits α (tasks x scales), Gumbel-softmax gates at temperature τ,
the objective of eq. 6.5 (ε_i^1 of the gated full-resolution outputs plus the sparsity term)
with its own Adam for α, and the derivation of the keep-matrix. The gated outputs of eq. 6.1-6.3
come from the architecture side, ``vident.models.nss.nss_combine`` (fine-minus-coarse
differences, no 1/(S-1) factor, so all-kept gives O^1 back; H combined as corner displacements).
The schedule pretrain -> search -> derive -> retrain is ``vident.train.schedule``.

Choices where the text leaves room:
- The lowest scale S is the baseline of eq. 6.1 and always kept, so α is learnt for scales
  1..S-1 only; the reported matrix has the S column fixed to keep.
- Gates: binary Gumbel-softmax on the logits (α, 0), i.e. g = σ((α + G₁ − G₀)/τ) with Gumbel
  noise G from the search's own generator (exact resume); soft by default, straight-through when
  ``hard``. No τ annealing: the thesis reports convergence at fixed τ (Fig. 6.5).
- Sparsity L₀(α) = Σ log p with p = σ(α) the keep probabilities (eq. 6.5), times ``sparsity``.
- Derivation: keep (i,s) iff p > threshold (0.5 = the argmax of the two-way softmax).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.models.nss import derive_structure, nss_combine
from vident.models.output import SCALES, MultiTaskOutput
from vident.models.structure import TASKS, HeadStructure
from vident.train.config import NSSConfig
from vident.train.losses import scale_loss


def gumbel_gates(alpha: Tensor, tau: float, gen: torch.Generator, hard: bool) -> Tensor:
    """Binary Gumbel-softmax keep-samples of ``alpha`` (two classes: keep = α, drop = 0)."""
    u = torch.rand(2, *alpha.shape, generator=gen, dtype=torch.float64).clamp(1e-10, 1 - 1e-10)
    g = (-torch.log(-torch.log(u))).to(alpha.device, alpha.dtype)
    soft = torch.sigmoid((alpha + g[0] - g[1]) / tau)
    if not hard:
        return soft
    return (soft > 0.5).to(soft.dtype) - soft.detach() + soft


class ScaleSearch(nn.Module):
    """The searchable scales-to-tasks structure and its objective, with its own Adam (lr_α)."""

    def __init__(self, tasks: Sequence[str], cfg: NSSConfig, seed: int) -> None:
        super().__init__()
        self.tasks = list(tasks)
        self.cfg = cfg
        self.alpha = nn.Parameter(torch.full((len(self.tasks), SCALES - 1), float(cfg.alpha_init)))
        self.generator = torch.Generator().manual_seed(seed)
        self.optimizer = torch.optim.Adam([self.alpha], lr=cfg.alpha_lr)

    def keep_probabilities(self) -> Tensor:
        """(T,S) keep probabilities σ(α); the lowest scale is 1."""
        p = torch.sigmoid(self.alpha.detach())
        return torch.cat([p, torch.ones(len(self.tasks), 1, device=p.device)], dim=1)

    def _full_matrix(self, rows: Tensor) -> Tensor:
        """Scatter (T,S-1) rows of our tasks into the (3,3) gate matrix of ``nss_combine``."""
        full = rows.new_ones(len(TASKS), SCALES)
        index = torch.tensor([TASKS.index(t) for t in self.tasks], device=rows.device)
        return full.index_copy(0, index, torch.cat([rows, rows.new_ones(len(self.tasks), 1)], 1))

    def losses(self, out: MultiTaskOutput, target: Mapping[str, Sequence[Tensor]]) -> Tensor:
        """Per-task ε_i^1 (eq. 6.2) of the gated full-resolution outputs, (T,)."""
        gates = gumbel_gates(self.alpha, self.cfg.tau, self.generator, self.cfg.hard)
        combined = nss_combine(out, self._full_matrix(gates))
        return torch.stack([scale_loss(task, combined[task], target, 0) for task in self.tasks])

    def sparsity(self) -> Tensor:
        """``sparsity`` · L₀(α) = Σ_{i,s} log σ(α_i^s) (eq. 6.5)."""
        return self.cfg.sparsity * F.logsigmoid(self.alpha).sum()

    def derive(self) -> HeadStructure:
        """The keep-matrix: (i,s) kept iff its keep probability exceeds the threshold."""
        probs = self._full_matrix(torch.sigmoid(self.alpha.detach()))
        return derive_structure(probs, self.cfg.threshold)

    def search_state(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha.detach().cpu(),
            "optimizer": self.optimizer.state_dict(),
            "generator": self.generator.get_state(),
        }

    def load_search_state(self, state: dict[str, Any]) -> None:
        with torch.no_grad():
            self.alpha.copy_(state["alpha"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.generator.set_state(state["generator"])
