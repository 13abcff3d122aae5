"""Device choice shared by every learnt stage and the trainer (config key ``device``)."""

from __future__ import annotations

import torch

from vident.errors import VidentError


def pick_device(name: str | torch.device = "auto") -> torch.device:
    """``auto`` → CUDA when available, else CPU; ``cuda[:N]`` without a GPU is a user error."""
    if isinstance(name, torch.device):
        return name
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise VidentError(f"device {name!r} asked for, but no CUDA GPU is visible")
    if name != "cpu" and not name.startswith("cuda"):
        raise VidentError(f"unknown device {name!r}; use auto, cpu or cuda")
    return torch.device(name)
