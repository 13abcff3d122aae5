"""Seeding for the learnt label stages (denoise, colour): one seed -> one CPU result."""

from __future__ import annotations

import torch


def seed_everything(seed: int) -> torch.Generator:
    """Seed torch, ask for deterministic kernels (warn where none exists) and return a CPU
    generator for the data order, so a CPU run is bit-identical for a seed."""
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return torch.Generator().manual_seed(seed)
