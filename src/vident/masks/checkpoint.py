"""Save/load the segmenter checkpoint: state_dict + the config needed to rebuild it."""

from __future__ import annotations

import os
from pathlib import Path

from vident.checkpoint import load_checkpoint, save_checkpoint
from vident.masks.network import HRNetSegmenter, SegmenterConfig


def save_segmenter(
    model: HRNetSegmenter, path: str | os.PathLike[str], extra: dict | None = None
) -> Path:
    """Save config + weights atomically."""
    return save_checkpoint(path, "vident-masks", model.config.to_dict(), model, extra)


def load_segmenter(path: str | os.PathLike[str], device: str = "cpu") -> HRNetSegmenter:
    """Rebuild the segmenter from a checkpoint written by `save_segmenter` (eval mode)."""
    ckpt = load_checkpoint(path, "vident-masks", "vident masks train")
    model = HRNetSegmenter(SegmenterConfig(**ckpt["config"]), pretrained=False)
    model.load_state_dict(ckpt["state_dict"])
    return model.to(device).eval()
