"""The training config of one benchmark run: a base config (e.g. config/train/sample.yaml) with
the run's dataset store, model and balancer put in, so every model x balancer of `snakemake
bench` trains from the same settings and each run's exact config is kept beside its model."""

from __future__ import annotations

from dataclasses import replace

from vident.train.config import BalancerConfig, ModelConfig, TrainConfig


def run_config(
    base: TrainConfig, store: str, model: str | None, balancer: str | None
) -> TrainConfig:
    """``base`` training ``model`` with ``balancer`` on ``store``. A different model starts from
    its default constructor arguments (the base's arguments belong to the base's model); the
    balancer keeps the base's arguments only when it is the base's balancer."""
    cfg = replace(base, data=replace(base.data, store=store))
    if model is not None and model != base.model.name:
        cfg = replace(cfg, model=ModelConfig(model))
    if balancer is not None and balancer != base.balancer.name:
        cfg = replace(cfg, balancer=BalancerConfig(balancer))
    return cfg
