"""Training configuration: a YAML file mapped onto typed dataclasses, unknown keys rejected."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vident.errors import VidentError


@dataclass
class ModelConfig:
    name: str = "most-net++"
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class BalancerConfig:
    name: str = "atb"
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class DataConfig:
    store: str = "results/vident-lab.zarr"
    train: str = "train"
    val: str = "val"
    clip_length: int = 2
    stride: int = 1
    storage_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class JitterConfig:
    brightness: float = 0.2
    contrast: float = 0.15
    saturation: float = 0.3


@dataclass
class AugmentConfig:
    """Flips (p each) on every label incl. H; channel permutation (p) on B and R; jitter on B."""

    hflip: float = 0.5
    vflip: float = 0.5
    channels: float = 0.5
    jitter: JitterConfig = field(default_factory=JitterConfig)
    enabled: bool = True


@dataclass
class NSSConfig:
    """Neural Scale Search (§6.2.2): pretrain -> search -> derive -> retrain."""

    pretrain_epochs: int = 40
    search_epochs: int = 2
    tau: float = 5.0
    sparsity: float = 1e-2
    alpha_lr: float = 1e-2
    alpha_init: float = 2.0
    threshold: float = 0.5
    hard: bool = False


@dataclass
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    balancer: BalancerConfig = field(default_factory=BalancerConfig)
    data: DataConfig = field(default_factory=DataConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    nss: NSSConfig | None = None
    batch_size: int = 5
    epochs: int = 10
    steps: int | None = None
    lr: float = 1e-4
    lr_min: float = 1e-6
    seed: int = 0
    device: str = "auto"
    amp: bool = False
    checkpoint_every: int = 500
    num_workers: int = 0
    log_conflicts: bool = False
    select: str = "psnr"
    tensorboard: bool = True
    val_batches: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


SELECT = {"psnr": "max", "ssim": "max", "iou": "max", "mace": "min"}


def _build(cls: type, data: Any, where: str, path: str | None) -> Any:
    if not dataclasses.is_dataclass(cls):
        return data
    if not isinstance(data, dict):
        raise VidentError(f"{where or 'config'} must be a mapping, got {data!r}", path)
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise VidentError(
            f"unknown key {where + '.' if where else ''}{unknown[0]} "
            f"(known: {', '.join(sorted(known))})",
            path,
        )
    kwargs = {}
    hints = {
        "model": ModelConfig,
        "balancer": BalancerConfig,
        "data": DataConfig,
        "augment": AugmentConfig,
        "nss": NSSConfig,
        "jitter": JitterConfig,
    }
    for name, value in data.items():
        sub = hints.get(name)
        kwargs[name] = (
            _build(sub, value, f"{where}.{name}".strip("."), path)
            if sub and value is not None
            else value
        )
    return cls(**kwargs)


def config_from_dict(
    data: dict[str, Any], path: str | os.PathLike[str] | None = None
) -> TrainConfig:
    """Validate a parsed config mapping into a TrainConfig."""
    where = None if path is None else str(path)
    cfg = _build(TrainConfig, data or {}, "", where)
    if cfg.select not in SELECT:
        raise VidentError(f"select must be one of {', '.join(SELECT)}, got {cfg.select!r}", where)
    if cfg.device not in ("auto", "cpu", "cuda"):
        raise VidentError(f"device must be auto, cpu or cuda, got {cfg.device!r}", where)
    if cfg.data.clip_length < 2:
        raise VidentError("data.clip_length must be >= 2 (frame pairs)", where)
    if cfg.batch_size < 1 or cfg.epochs < 1 or cfg.checkpoint_every < 1:
        raise VidentError("batch_size, epochs and checkpoint_every must be >= 1", where)
    return cfg


def load_config(path: str | os.PathLike[str]) -> TrainConfig:
    """Read and validate a YAML training config."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as err:
        raise VidentError(f"cannot read training config: {err}", path) from None
    return config_from_dict(data, path)
