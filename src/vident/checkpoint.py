"""Checkpoints of the learnt pipeline stages: one format, written atomically, loaded with checks.

A checkpoint is ``{"kind", "config", "state_dict", "meta"}``: ``kind`` names the stage that wrote
it (so a denoiser is never loaded as a colour model), ``config`` rebuilds the network alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

from vident.errors import VidentError
from vident.io.atomic import atomic_path


def save_checkpoint(path: str | os.PathLike[str], kind: str, config: dict[str, Any],
                    model: nn.Module, meta: dict[str, Any] | None = None) -> Path:
    """Write the checkpoint to a temp file beside ``path``, then rename it into place."""
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    with atomic_path(path) as tmp:
        torch.save({"kind": kind, "config": config, "state_dict": state, "meta": meta or {}}, tmp)
    return Path(path)


def load_checkpoint(path: str | os.PathLike[str], kind: str, writer: str) -> dict[str, Any]:
    """Read a checkpoint of ``kind``; a missing, unreadable or foreign file is a user error that
    names ``writer`` (the command that makes the right file)."""
    try:
        ckpt = torch.load(Path(path), map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise VidentError(f"checkpoint not found (written by `{writer}`)", path) from None
    except Exception as err:  # noqa: BLE001 - any unreadable file is the user's problem
        raise VidentError(f"cannot read checkpoint: {err}", path) from None
    if not isinstance(ckpt, dict) or ckpt.get("kind") != kind:
        raise VidentError(f"not a {kind} checkpoint (written by `{writer}`)", path)
    return ckpt
