"""What ``vident train`` runs: one training run, or the Neural Scale Search schedule
pretrain -> search -> derive -> retrain (§6.3.2) when the config has an ``nss`` section.

NSS layout under OUT: ``nss/pretrain/`` (the full network, ``nss.pretrain_epochs``),
``nss/search/`` (single-level search of α and θ from the pretrained weights,
``nss.search_epochs``), ``nss/structure.json`` (the derived keep-matrix), and the retrained
derived network itself in OUT (``model.pt`` with its structure, ``metrics.json``), trained from
scratch as NAS practice has it. Each phase resumes from its own checkpoints; a finished phase is
skipped on a rerun.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from vident.models.structure import HeadStructure
from vident.train.config import TrainConfig
from vident.train.trainer import Trainer

log = logging.getLogger(__name__)


def run_training(
    cfg: TrainConfig, out_dir: str | os.PathLike[str], resume: bool = False, **trainer_kwargs: Any
) -> dict[str, Any]:
    """Train ``cfg`` into ``out_dir`` (NSS schedule if ``cfg.nss``); returns the final metrics."""
    out = Path(out_dir)
    if cfg.nss is None:
        return Trainer(cfg, out, **trainer_kwargs).fit(resume=resume)
    return run_nss(cfg, out, resume, **trainer_kwargs)


def run_nss(cfg: TrainConfig, out: Path, resume: bool, **trainer_kwargs: Any) -> dict[str, Any]:
    """Pretrain the full network, search the scales-to-tasks structure, derive it, retrain it."""
    nss = cfg.nss
    assert nss is not None
    pretrain, search = out / "nss" / "pretrain", out / "nss" / "search"
    structure_path = out / "nss" / "structure.json"
    if not (pretrain / "model.pt").exists():
        log.info("NSS pretrain: %d epochs", nss.pretrain_epochs)
        Trainer(replace(cfg, epochs=nss.pretrain_epochs), pretrain, **trainer_kwargs).fit(
            resume=resume
        )
    if not structure_path.exists():
        log.info("NSS search: %d epochs at tau %.2f", nss.search_epochs, nss.tau)
        weights = torch.load(pretrain / "model.pt", map_location="cpu", weights_only=False)[
            "state_dict"
        ]
        searcher = Trainer(
            replace(cfg, epochs=nss.search_epochs),
            search,
            init_weights=weights,
            search=True,
            **trainer_kwargs,
        )
        searcher.fit(resume=resume)
        assert searcher.search is not None
        structure = searcher.search.derive()
        if searcher.is_main:
            structure.to_json(structure_path)
        log.info(
            "NSS derived structure %s (keep probabilities %s)",
            structure.matrix(),
            [[round(p, 3) for p in row] for row in searcher.search.keep_probabilities().tolist()],
        )
    heads = HeadStructure.from_json(structure_path)
    log.info("NSS retrain of the derived network %s", heads.matrix())
    return Trainer(cfg, out, heads=heads, **trainer_kwargs).fit(resume=resume)
