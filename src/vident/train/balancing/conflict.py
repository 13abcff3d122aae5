"""Per-task gradients on shared parameters and the gradient-conflict rate (thesis Fig. 6.8).

Costs one backward pass per task, so the trainer runs it only when ``log_conflicts`` is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import torch
from torch import Tensor, nn


def per_task_gradients(losses: Tensor, params: Sequence[nn.Parameter]) -> Tensor:
    """The (T,D) matrix of per-task gradients ∇θ v_i on ``params`` (original, not projected);
    the graph is kept so the training backward can follow."""
    rows = []
    for v in losses:
        grads = torch.autograd.grad(v, list(params), retain_graph=True, allow_unused=True)
        rows.append(
            torch.cat(
                [
                    (torch.zeros_like(p) if g is None else g).flatten()
                    for p, g in zip(params, grads, strict=True)
                ]
            )
        )
    return torch.stack(rows)


def conflicts(grads: Tensor) -> Tensor:
    """(T,T) bool: pairs (i<j) whose gradients have negative cosine (i.e. negative dot product)."""
    dots = grads.double() @ grads.double().T
    return torch.triu(dots < 0, diagonal=1)


class ConflictCounter:
    """Counts, over one epoch, the steps where any task pair conflicts and each pair's conflicts."""

    def __init__(self, tasks: Sequence[str]) -> None:
        self.tasks = list(tasks)
        self.reset()

    def reset(self) -> None:
        self.steps = 0
        self.conflicting_steps = 0
        self.pairs = torch.zeros(len(self.tasks), len(self.tasks), dtype=torch.long)

    def update(self, grads: Tensor) -> bool:
        """Record one step's gradient matrix; True when this step conflicts."""
        c = conflicts(grads).cpu()
        self.steps += 1
        self.pairs += c.long()
        hit = bool(c.any())
        self.conflicting_steps += int(hit)
        return hit

    def summary(self) -> dict[str, float]:
        """Conflict rate of the epoch and per-pair rates, e.g. {"rate": .5, "R-M": .25, ...}."""
        n = max(self.steps, 1)
        out = {"rate": self.conflicting_steps / n}
        for i, j in combinations(range(len(self.tasks)), 2):
            out[f"{self.tasks[i]}-{self.tasks[j]}"] = int(self.pairs[i, j]) / n
        return out
