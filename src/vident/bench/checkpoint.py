"""Loading a trained model from the trainer's ``model.pt`` (weights, model name and arguments,
NSS head structure, training config), and the input baseline that stands in for a model."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from vident.errors import VidentError
from vident.io.scales import downsample
from vident.models.output import SCALES, MultiTaskOutput
from vident.models.structure import HeadStructure
from vident.train.config import ModelConfig
from vident.train.trainer import ModelBuilder, build_from_zoo


@dataclass(frozen=True)
class TrainedModel:
    """A model ready for evaluation, with the names the benchmark rows carry."""

    model: nn.Module
    name: str
    balancer: str


def load_trained(
    path: str | os.PathLike[str], device: torch.device, build: ModelBuilder = build_from_zoo
) -> TrainedModel:
    """Rebuild the network saved by ``vident train`` in ``path`` (its registered name and
    arguments, and its NSS structure when it has one) and load its best weights, in eval mode."""
    try:
        saved: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=False)
    except (OSError, RuntimeError, EOFError, ValueError) as err:
        raise VidentError(f"cannot read trained model: {err}", path) from None
    missing = [k for k in ("state_dict", "model", "config") if k not in saved]
    if missing:
        raise VidentError(f"not a model.pt written by `vident train` (no {missing[0]!r})", path)
    structure = saved.get("structure")
    heads = None if structure is None else HeadStructure.from_matrix(structure)
    model = build(ModelConfig(**saved["model"]), heads)
    try:
        model.load_state_dict(saved["state_dict"])
    except RuntimeError as err:
        name = saved["model"]["name"]
        raise VidentError(f"weights do not fit model {name!r}: {err}", path) from None
    balancer = saved["config"].get("balancer", {}).get("name", "")
    return TrainedModel(model.to(device).eval(), saved["model"]["name"], balancer)


class InputBaseline(nn.Module):
    """The blind predictions of Table 6.4's BASELINE row: the input frame as the restoration, an
    all-teeth mask, and the identity homography (no motion), at every scale."""

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        out = MultiTaskOutput()
        n = cur.shape[0]
        for s in range(1, SCALES + 1):
            r = downsample(cur, s)
            out.R[s - 1] = r
            out.M[s - 1] = torch.full_like(r[:, :1], 20.0)  # sigmoid(20) ~ 1: every pixel teeth
            out.H[s - 1] = torch.eye(3, dtype=cur.dtype, device=cur.device).expand(n, 3, 3)
        return out
