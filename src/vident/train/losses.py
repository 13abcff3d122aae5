"""Per-task, per-scale losses of eq. 5.3: Charbonnier (R), BCE with logits (M), MACE (H).

Each task's loss is the sum over the scales the model predicts it at; the per-task vector is what
the balancers weight (eq. 5.3: L = Σ_i λ_i Σ_s L_i(O_i^s, Ô_i^s)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from vident.metrics.homography import mace
from vident.models.output import SCALES, MultiTaskOutput

TASKS: tuple[str, ...] = ("R", "M", "H")
CHARBONNIER_EPS = 1e-3


def charbonnier(pred: Tensor, target: Tensor, eps: float = CHARBONNIER_EPS) -> Tensor:
    """Mean of sqrt((pred - target)² + eps²) (Charbonnier, a smooth L1)."""
    return torch.sqrt((pred - target).pow(2) + eps * eps).mean()


def mace_loss(h_pred: Tensor, h_true: Tensor, height: int, width: int) -> Tensor:
    """Mean corner error in pixels of that scale (MACE, as in the metric)."""
    return mace(h_pred.float(), h_true.float(), height, width).mean()


def scale_loss(task: str, pred: Tensor, target: Mapping[str, Sequence[Tensor]], s: int) -> Tensor:
    """The loss of one task at scale index ``s`` (0 = full resolution)."""
    if task == "R":
        return charbonnier(pred.float(), target["R"][s])
    if task == "M":
        return F.binary_cross_entropy_with_logits(pred.float(), target["M"][s])
    height, width = target["R"][s].shape[-2:]
    return mace_loss(pred, target["H"][s], height, width)


def loss_matrix(
    out: MultiTaskOutput, target: Mapping[str, Sequence[Tensor]], tasks: Sequence[str]
) -> Tensor:
    """(T,S) matrix of task-by-scale losses, 0 where the model does not predict that pair."""
    rows = []
    for task in tasks:
        preds = getattr(out, task)
        ref = next(p for p in preds if p is not None)
        zero = ref.new_zeros((), dtype=torch.float32)
        rows.append(
            torch.stack(
                [
                    zero if preds[s] is None else scale_loss(task, preds[s], target, s)
                    for s in range(SCALES)
                ]
            )
        )
    return torch.stack(rows)


def task_losses(
    out: MultiTaskOutput, target: Mapping[str, Sequence[Tensor]], tasks: Sequence[str]
) -> Tensor:
    """Per-task losses (T,), each summed over the scales predicted (eq. 5.3)."""
    return loss_matrix(out, target, tasks).sum(1)
