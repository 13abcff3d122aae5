"""The config-driven training loop for every multi-task model.

Seeded; checkpoints (model, optimiser, scheduler, scaler, balancer, search, RNG states, data
position) every ``checkpoint_every`` steps and at each epoch end, with exact resume; AMP on CUDA;
DDP when launched by torchrun (WORLD_SIZE set; NCCL on GPU, gloo on CPU); TensorBoard scalars;
validation PSNR / SSIM / MACE / IoU each epoch and best-checkpoint selection.

Outputs: ``OUT/model.pt`` (best weights, model name/args/structure, config, metrics),
``OUT/metrics.json``; ``OUT/ckpt/last.pt`` and ``OUT/ckpt/best.pt`` for resuming; ``OUT/tb``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch import Tensor, nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import Dataset
from tqdm import tqdm

from vident.errors import VidentError
from vident.io.atomic import write_text
from vident.metrics.cost import count_parameters
from vident.models.structure import HeadStructure
from vident.train.augment import augment
from vident.train.balancing import ConflictCounter, build_balancer, per_task_gradients
from vident.train.config import ModelConfig, TrainConfig
from vident.train.data import ResumableSampler, frame_pairs, make_loader, to_device
from vident.train.evaluate import baselines, evaluate, is_better
from vident.train.losses import task_losses
from vident.train.nss import ScaleSearch
from vident.train.state import atomic_save, rng_state, seed_everything, set_rng_state

log = logging.getLogger(__name__)

ModelBuilder = Callable[[ModelConfig, "HeadStructure | None"], nn.Module]


def build_from_zoo(cfg: ModelConfig, heads: HeadStructure | None) -> nn.Module:
    """The registered model ``cfg.name`` with ``cfg.args`` (and ``heads`` when NSS derived one)."""
    from vident.models.zoo import build_model

    extra = {} if heads is None else {"heads": heads}
    return build_model(cfg.name, **cfg.args, **extra)


def pick_device(name: str, local_rank: int = 0) -> torch.device:
    """``auto`` -> CUDA when available, else CPU; ``cuda`` without a GPU is an error."""
    if name == "cuda" or (name == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise VidentError("device: cuda asked for but no CUDA device is available")
        return torch.device("cuda", local_rank)
    return torch.device("cpu")


@dataclass
class StepRecord:
    """What one optimisation step logged."""

    step: int
    epoch: int
    losses: list[float]
    weights: list[float]
    total: float
    lr: float


def _datasets(cfg: TrainConfig) -> tuple[Dataset, Dataset]:
    from vident.io.dataset import ClipDataset

    d = cfg.data
    opts = d.storage_options or None

    def make(split: str) -> Dataset:
        return ClipDataset(
            d.store, split, clip_len=d.clip_length, stride=d.stride, storage_options=opts
        )

    return make(d.train), make(d.val)


class Trainer:
    """One training run of ``cfg`` into ``out_dir`` (see module docstring)."""

    def __init__(
        self,
        cfg: TrainConfig,
        out_dir: str | os.PathLike[str],
        *,
        train_set: Dataset | None = None,
        val_set: Dataset | None = None,
        build: ModelBuilder = build_from_zoo,
        heads: HeadStructure | None = None,
        init_weights: dict[str, Tensor] | None = None,
        search: bool = False,
    ) -> None:
        self.cfg = cfg
        self.out = Path(out_dir)
        self.heads = heads
        self.rank, self.world, local_rank = self._init_distributed(cfg)
        self.device = pick_device(cfg.device, local_rank)
        self.amp = cfg.amp and self.device.type == "cuda"
        if cfg.amp and not self.amp:
            log.info("amp asked for on %s: running in float32 (AMP is CUDA-only here)", self.device)
        seed_everything(cfg.seed + self.rank)
        if train_set is None or val_set is None:
            train_set, val_set = _datasets(cfg)
        self.train_set, self.val_set = train_set, val_set
        self.model = build(cfg.model, heads).to(self.device)
        if init_weights is not None:
            self.model.load_state_dict(init_weights)
        self.tasks = self._tasks()
        self.balancer = build_balancer(cfg.balancer.name, self.tasks, cfg.balancer.args)
        self.search = (
            ScaleSearch(self.tasks, cfg.nss, cfg.seed).to(self.device)
            if search and cfg.nss
            else None
        )
        self.net: nn.Module = self.model
        if dist.is_initialized():  # launched by torchrun (any world size)
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = DistributedDataParallel(self.model, device_ids=ids)
        self.sampler = ResumableSampler(len(train_set), cfg.seed, True, self.rank, self.world)
        self.loader = make_loader(
            train_set, self.sampler, cfg.batch_size, cfg.num_workers, cfg.seed
        )
        val_sampler = ResumableSampler(len(val_set), cfg.seed, shuffle=False)
        self.val_loader = make_loader(
            val_set, val_sampler, cfg.batch_size, cfg.num_workers, cfg.seed
        )
        self.steps_per_epoch = math.ceil(len(self.sampler) / cfg.batch_size)
        self.total_steps = min(cfg.steps or 10**12, cfg.epochs * self.steps_per_epoch)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.total_steps, eta_min=cfg.lr_min
        )
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.amp)
        self.aug_gen = torch.Generator().manual_seed(cfg.seed * 7919 + 1 + self.rank)
        self.conflicts = ConflictCounter(self.tasks) if cfg.log_conflicts else None
        self.step = self.epoch = self.position = 0
        self.epoch_loss_sum = torch.zeros(len(self.tasks), dtype=torch.float64)
        self.history: list[dict[str, Any]] = []
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.records: list[StepRecord] = []
        self._writer: Any = None

    # -- set-up ------------------------------------------------------------------------------
    @staticmethod
    def _init_distributed(cfg: TrainConfig) -> tuple[int, int, int]:
        if "WORLD_SIZE" not in os.environ:
            return 0, 1, 0
        local_rank = int(os.environ.get("LOCAL_RANK", 0))
        if not dist.is_initialized():
            nccl = cfg.device != "cpu" and torch.cuda.is_available()
            if nccl:
                torch.cuda.set_device(local_rank)  # one GPU per process before NCCL starts
            dist.init_process_group("nccl" if nccl else "gloo")
        return dist.get_rank(), dist.get_world_size(), local_rank

    @torch.no_grad()
    def _tasks(self) -> list[str]:
        """The tasks the model predicts, from one forward pass on a single training pair."""
        item = self.train_set[0]
        b = item["B"][0][:2].to(self.device)
        was = self.model.training
        self.model.eval()
        tasks = self.model(b[:1], b[1:2]).tasks()
        self.model.train(was)
        return tasks

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def _tb(self) -> Any:
        if self._writer is None and self.cfg.tensorboard and self.is_main:
            from torch.utils.tensorboard import SummaryWriter

            self._writer = SummaryWriter(str(self.out / "tb"), purge_step=self.step or None)
        return self._writer

    # -- one step ----------------------------------------------------------------------------
    def train_step(self, batch: dict[str, Any]) -> StepRecord:
        """Augment, forward, balance, backward and update on one batch of clips."""
        batch = to_device(batch, self.device)
        if self.cfg.augment.enabled:
            batch = augment(batch, self.cfg.augment, self.aug_gen)
        prev, cur, target = frame_pairs(batch)
        with torch.autocast(self.device.type, dtype=torch.float16, enabled=self.amp):
            out = self.net(prev, cur)
        if self.search is not None:
            losses = self.search.losses(out, target)
        else:
            losses = task_losses(out, target, self.tasks)
        total, weights = self.balancer.objective(losses)
        if self.search is not None:
            total = total + self.search.sparsity()
        if self.conflicts is not None:
            shared = getattr(self.model, "shared_parameters", self.model.parameters)()
            self.conflicts.update(
                per_task_gradients(losses, [p for p in shared if p.requires_grad])
            )
        self.optimizer.zero_grad(set_to_none=True)
        if self.search is not None:
            self.search.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(total).backward()
        self.scaler.step(self.optimizer)
        if self.search is not None:
            if self.world > 1 and self.search.alpha.grad is not None:
                dist.all_reduce(self.search.alpha.grad)
                self.search.alpha.grad /= self.world
            self.scaler.step(self.search.optimizer)
        self.scaler.update()
        lr = self.scheduler.get_last_lr()[0]
        self.scheduler.step()
        rec = StepRecord(
            self.step + 1,
            self.epoch,
            losses.detach().double().cpu().tolist(),
            weights.detach().double().cpu().tolist(),
            float(total.detach()),
            lr,
        )
        self.epoch_loss_sum += torch.tensor(rec.losses, dtype=torch.float64)
        return rec

    # -- checkpoints -------------------------------------------------------------------------
    @property
    def ckpt_dir(self) -> Path:
        return self.out / "ckpt"

    def state(self) -> dict[str, Any]:
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "balancer": self.balancer.state_dict(),
            "search": None if self.search is None else self.search.search_state(),
            "rng": rng_state(),
            "aug_gen": self.aug_gen.get_state(),
            "step": self.step,
            "epoch": self.epoch,
            "position": self.position,
            "epoch_loss_sum": self.epoch_loss_sum.clone(),
            "history": self.history,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "conflicts": None
            if self.conflicts is None
            else (
                self.conflicts.steps,
                self.conflicts.conflicting_steps,
                self.conflicts.pairs.clone(),
            ),
            "config": self.cfg.to_dict(),
        }

    def save_checkpoint(self) -> None:
        if self.is_main:
            atomic_save(self.state(), self.ckpt_dir / "last.pt")

    def load_checkpoint(self) -> bool:
        """Restore ``OUT/ckpt/last.pt`` if there is one; False when starting fresh."""
        path = self.ckpt_dir / "last.pt"
        if not path.exists():
            return False
        try:
            s = torch.load(path, map_location=self.device, weights_only=False)
        except (OSError, RuntimeError, EOFError) as err:
            raise VidentError(f"cannot read checkpoint: {err}", path) from None
        if s["config"] != self.cfg.to_dict():
            raise VidentError(
                "checkpoint was written with a different config; use a new --out", path
            )
        self.model.load_state_dict(s["model"])
        self.optimizer.load_state_dict(s["optimizer"])
        self.scheduler.load_state_dict(s["scheduler"])
        self.scaler.load_state_dict(s["scaler"])
        self.balancer.load_state_dict(s["balancer"])
        if self.search is not None:
            self.search.load_search_state(s["search"])
        set_rng_state(s["rng"])
        self.aug_gen.set_state(s["aug_gen"])
        self.step, self.epoch, self.position = s["step"], s["epoch"], s["position"]
        self.epoch_loss_sum = s["epoch_loss_sum"].clone()
        self.history, self.best, self.best_epoch = s["history"], s["best"], s["best_epoch"]
        if self.conflicts is not None and s["conflicts"] is not None:
            self.conflicts.steps, self.conflicts.conflicting_steps, self.conflicts.pairs = s[
                "conflicts"
            ]
        log.info(
            "resumed %s at step %d (epoch %d, batch %d)", path, self.step, self.epoch, self.position
        )
        return True

    # -- epochs ------------------------------------------------------------------------------
    def _log_step(self, rec: StepRecord) -> None:
        tb = self._tb()
        if tb is None:
            return
        tb.add_scalar("train/total", rec.total, rec.step)
        tb.add_scalar("train/lr", rec.lr, rec.step)
        for t, v, w in zip(self.tasks, rec.losses, rec.weights, strict=True):
            tb.add_scalar(f"loss/{t}", v, rec.step)
            tb.add_scalar(f"weight/{t}", w, rec.step)

    def _end_epoch(self, batches: int) -> None:
        mean = self.epoch_loss_sum / max(batches, 1)
        if self.world > 1:
            dist.all_reduce(mean)
            mean /= self.world
        self.balancer.end_epoch(mean)
        entry: dict[str, Any] = {
            "epoch": self.epoch + 1,
            "step": self.step,
            "train_loss": dict(zip(self.tasks, mean.tolist(), strict=True)),
        }
        if self.conflicts is not None:
            entry["conflicts"] = self.conflicts.summary()
            self.conflicts.reset()
        if self.search is not None:
            entry["keep_probability"] = dict(
                zip(self.tasks, self.search.keep_probabilities().tolist(), strict=True)
            )
        if self.is_main:
            val = evaluate(self.model, self.val_loader, self.device, self.cfg.val_batches)
            entry["val"] = val
            score = val.get(self.cfg.select, math.nan)
            if is_better(self.cfg.select, score, self.best):
                self.best, self.best_epoch = score, self.epoch + 1
                atomic_save(self.model.state_dict(), self.ckpt_dir / "best.pt")
            tb = self._tb()
            if tb is not None:
                for k, v in val.items():
                    tb.add_scalar(f"val/{k}", v, self.epoch + 1)
                for k, v in entry.get("conflicts", {}).items():
                    tb.add_scalar(f"conflicts/{k}", v, self.epoch + 1)
        if self.world > 1:
            dist.barrier()
        self.history.append(entry)
        self.epoch += 1
        self.position = 0
        self.epoch_loss_sum.zero_()

    def fit(self, resume: bool = False, stop_after: int | None = None) -> dict[str, Any] | None:
        """Train to the end and write ``model.pt`` and ``metrics.json``; returns the metrics.
        ``stop_after`` ends the run after that global step (a simulated interruption): None."""
        if resume:
            self.load_checkpoint()
        start, first_step = time.perf_counter(), self.step
        bar = tqdm(
            total=self.total_steps,
            initial=self.step,
            desc="train",
            disable=not self.is_main,
            leave=False,
        )
        while self.epoch < self.cfg.epochs and self.step < self.total_steps:
            self.sampler.set_epoch(self.epoch, self.position * self.cfg.batch_size)
            for batch in self.loader:
                rec = self.train_step(batch)
                self.step, self.position = self.step + 1, self.position + 1
                self.records.append(rec)
                self._log_step(rec)
                bar.update(1)
                if self.step % self.cfg.checkpoint_every == 0:
                    self.save_checkpoint()
                if stop_after is not None and self.step >= stop_after:
                    bar.close()
                    return None
                if self.step >= self.total_steps:
                    break
            self._end_epoch(self.position)
            self.save_checkpoint()
        bar.close()
        elapsed = time.perf_counter() - start
        done = self.step - first_step
        log.info(
            "trained %s with %s: %d steps in %.1f s (%.2f steps/s)",
            self.cfg.model.name,
            self.cfg.balancer.name,
            done,
            elapsed,
            done / max(elapsed, 1e-9),
        )
        return self.finish(elapsed)

    def finish(self, elapsed: float) -> dict[str, Any]:
        """Write ``model.pt`` (best weights) and ``metrics.json``."""
        best_path = self.ckpt_dir / "best.pt"
        weights = (
            torch.load(best_path, map_location="cpu")
            if best_path.exists()
            else self.model.state_dict()
        )
        best = next(
            (h for h in self.history if h["epoch"] == self.best_epoch),
            self.history[-1] if self.history else {},
        )
        metrics = {
            "model": self.cfg.model.name,
            "balancer": self.cfg.balancer.name,
            "tasks": self.tasks,
            "parameters": count_parameters(self.model),
            "steps": self.step,
            "epochs": self.epoch,
            "select": self.cfg.select,
            "best_epoch": self.best_epoch,
            "val": best.get("val", {}),
            "baseline": baselines(self.val_loader, self.cfg.val_batches) if self.is_main else {},
            "history": self.history,
            "train_seconds": elapsed,
            "structure": None if self.heads is None else self.heads.matrix(),
        }
        if self.search is not None:
            metrics["keep_probability"] = self.search.keep_probabilities().tolist()
            metrics["derived"] = self.search.derive().matrix()
        if self.is_main:
            atomic_save(
                {
                    "state_dict": {k: v.cpu() for k, v in weights.items()},
                    "model": {"name": self.cfg.model.name, "args": self.cfg.model.args},
                    "structure": metrics["structure"],
                    "tasks": self.tasks,
                    "config": self.cfg.to_dict(),
                    "metrics": metrics["val"],
                },
                self.out / "model.pt",
            )
            write_text(self.out / "metrics.json", json.dumps(metrics, indent=2))
        if self._writer is not None:
            self._writer.close()
        return metrics
