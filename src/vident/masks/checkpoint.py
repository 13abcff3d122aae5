"""Save/load the segmenter checkpoint: state_dict + the config needed to rebuild it."""

from __future__ import annotations

import os
from pathlib import Path

import torch

from vident.errors import VidentError
from vident.masks.network import HRNetSegmenter, SegmenterConfig


def save_segmenter(
    model: HRNetSegmenter, path: str | os.PathLike[str], extra: dict | None = None
) -> Path:
    """torch.save to ``<path>.tmp-<pid>`` then os.replace, so a crash never leaves half a file."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    payload = {
        "kind": "vident-masks",
        "config": model.config.to_dict(),
        "state_dict": model.state_dict(),
        "train": dict(extra or {}),
    }
    torch.save(payload, tmp)
    os.replace(tmp, out)
    return out


def load_segmenter(path: str | os.PathLike[str], device: str = "cpu") -> HRNetSegmenter:
    """Rebuild the segmenter from a checkpoint written by `save_segmenter` (eval mode)."""
    try:
        payload = torch.load(path, map_location=device, weights_only=True)
    except (OSError, RuntimeError) as err:
        raise VidentError(f"cannot load checkpoint ({err})", path) from None
    if not isinstance(payload, dict) or payload.get("kind") != "vident-masks":
        raise VidentError("not a masks checkpoint (written by `vident masks train`)", path)
    model = HRNetSegmenter(SegmenterConfig(**payload["config"]), pretrained=False)
    model.load_state_dict(payload["state_dict"])
    return model.to(device).eval()
