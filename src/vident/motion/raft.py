"""RAFT flow backends (torchvision's ``raft_small`` / ``raft_large``) for the flow engine.

torchvision's RAFT wants frames normalised to [-1, 1] with sides divisible by 8 and at least
128 (its 4-level correlation pyramid); this wrapper takes [0,1] frames of any size, pads
right/bottom by edge replication and crops the flow back, so pixel coordinates are unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchvision.models import optical_flow

from vident.errors import VidentError
from vident.motion.flow import FLOW_BACKENDS, FlowBackend, check_pair

_MODELS = {
    "raft_small": (optical_flow.raft_small, optical_flow.Raft_Small_Weights),
    "raft_large": (optical_flow.raft_large, optical_flow.Raft_Large_Weights),
}


def pad_for_raft(x: Tensor, multiple: int = 8, minimum: int = 128) -> Tensor:
    """Edge-pad (N,C,H,W) right/bottom to sides >= ``minimum`` and divisible by ``multiple``."""
    h, w = x.shape[-2:]
    pad_h, pad_w = (max(minimum, s + -s % multiple) - s for s in (h, w))
    if pad_h == 0 and pad_w == 0:
        return x
    return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")


def raft_train_forward(
    module: nn.Module, a: Tensor, b: Tensor, num_flow_updates: int = 12
) -> list[Tensor]:
    """All iterative flow predictions of RAFT ``module`` from ``a`` to ``b`` ((N,3,H,W) in [0,1]).

    Returns ``num_flow_updates`` tensors (N,2,H,W), last = final estimate, with gradients (for
    RAFT's sequence loss when fine-tuning); any H, W (padded, then cropped).
    """
    check_pair(a, b)
    h, w = a.shape[-2:]
    a8, b8 = (pad_for_raft(x * 2 - 1) for x in (a, b))
    predictions = module(a8, b8, num_flow_updates=num_flow_updates)
    return [p[..., :h, :w] for p in predictions]


def load_state_dict(path: str | Path) -> dict[str, Tensor]:
    """The RAFT state_dict in checkpoint ``path``: bare, or under the key ``state_dict``."""
    path = Path(path)
    if not path.is_file():
        raise VidentError(
            "RAFT checkpoint not found (weights must be None, 'default' or a .pt path)", path
        )
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable file is the user's problem
        raise VidentError(f"cannot read RAFT checkpoint: {err}", path) from None
    if isinstance(checkpoint, dict) and isinstance(checkpoint.get("state_dict"), dict):
        checkpoint = checkpoint["state_dict"]
    if not isinstance(checkpoint, dict):
        raise VidentError("RAFT checkpoint holds no state_dict", path)
    return checkpoint


def build_raft(name: str, weights: str | None) -> nn.Module:
    """torchvision RAFT ``name``: random init (None), its weights ("default") or a checkpoint."""
    factory, weights_enum = _MODELS[name]
    if weights == "default":
        return factory(weights=weights_enum.DEFAULT)
    module = factory(weights=None)
    if weights is not None:
        try:
            module.load_state_dict(load_state_dict(weights))
        except RuntimeError as err:
            raise VidentError(f"checkpoint does not fit {name}: {err}", weights) from None
    return module


class RaftFlow(FlowBackend):
    """A torchvision RAFT; inference under no_grad in eval mode, differentiable in train mode."""

    arch = "raft_small"

    def __init__(self, module: nn.Module, num_flow_updates: int = 12) -> None:
        super().__init__()
        self.module = module
        self.num_flow_updates = num_flow_updates

    @classmethod
    def build(cls, *, weights: str | None, device: torch.device, **options: Any) -> RaftFlow:
        unknown = sorted(set(options) - {"num_flow_updates"})
        if unknown:
            raise VidentError(f"unknown {cls.arch} options {unknown}; known: num_flow_updates")
        return cls(build_raft(cls.arch, weights), **options).to(device)

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        with torch.set_grad_enabled(self.training and torch.is_grad_enabled()):
            return raft_train_forward(self.module, a, b, self.num_flow_updates)[-1]


@FLOW_BACKENDS.register("raft_small")
class RaftSmallFlow(RaftFlow):
    """RAFT-small (about 1M parameters)."""

    arch = "raft_small"


@FLOW_BACKENDS.register("raft_large")
class RaftLargeFlow(RaftFlow):
    """RAFT-large (about 5.3M parameters)."""

    arch = "raft_large"
