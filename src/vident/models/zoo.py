"""The model registry: stable names (``most-net``, ``most-net++``, ...) -> model factories."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from torch import nn

from vident.registry import Registry

MODELS: Registry[Callable[..., nn.Module]] = Registry("model")

# Family modules register their models on import.
_FAMILIES = ("vident.models.most", "vident.models.baselines")


def _load() -> None:
    for module in _FAMILIES:
        importlib.import_module(module)


def model_names() -> list[str]:
    """Every registered model and variant name, sorted."""
    _load()
    return list(MODELS)


def build_model(name: str, **kwargs: object) -> nn.Module:
    """Build the model registered as ``name``; ``kwargs`` go to its constructor."""
    _load()
    return MODELS.get(name)(**kwargs)


def count_parameters(model: nn.Module) -> int:
    """Number of parameters (trainable or not, buffers excluded)."""
    return sum(p.numel() for p in model.parameters())
