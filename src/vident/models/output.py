"""What every multi-task video model returns: per-task, per-scale outputs (no magic tuples)."""

from __future__ import annotations

from dataclasses import dataclass, field

from torch import Tensor

SCALES = 3


def _empty() -> list[Tensor | None]:
    return [None] * SCALES


@dataclass
class MultiTaskOutput:
    """Outputs of one forward pass on a frame pair (previous, current).

    Index s-1 holds scale s (s=1 full resolution, s=2 half, s=3 quarter); None where the model
    does not predict that task at that scale (single-task baselines, NSS-pruned heads).

    R: restored current frame, (N,3,H_s,W_s), values in [0,1].
    M: teeth-mask logits of the current frame, (N,1,H_s,W_s).
    H: homography mapping previous-frame pixels to current-frame pixels at scale s, (N,3,3),
       OpenCV pixel convention (x_t = H_t x_{t-1}).
    """

    R: list[Tensor | None] = field(default_factory=_empty)
    M: list[Tensor | None] = field(default_factory=_empty)
    H: list[Tensor | None] = field(default_factory=_empty)

    def tasks(self) -> list[str]:
        """Names of the tasks predicted at one scale at least."""
        return [t for t in ("R", "M", "H") if any(x is not None for x in getattr(self, t))]
