"""Step time of task balancers: ATB vs LS, and the cost of gradient-conflict logging.

Times the trainer's own ``train_step`` (augmentation, forward, balancing, backward, Adam) on a
synthetic in-memory batch, warm-up excluded, synchronised on GPU; settings are interleaved in
rounds and the median round is reported. Prints a Markdown table with the ratio of each setting
to LS and writes it as JSON when ``--json`` is given.

    .venv/bin/python benchmarks/balancers.py --model most-net++ --size 64 80
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch
from torch.utils.data import Dataset

from vident.train.config import config_from_dict
from vident.train.data import ResumableSampler, make_loader
from vident.train.trainer import Trainer

SETTINGS = (("ls", False), ("atb", False), ("atb", True))


class RandomClips(Dataset):
    """Random clips in the ClipDataset item format (contents do not matter for timing)."""

    def __init__(self, n: int, k: int, height: int, width: int) -> None:
        g = torch.Generator().manual_seed(0)
        self.items = []
        for _ in range(n):
            sizes = [(height >> s, width >> s) for s in range(3)]
            self.items.append(
                {
                    "B": [torch.rand(k, 3, h, w, generator=g) for h, w in sizes],
                    "R": [torch.rand(k, 3, h, w, generator=g) for h, w in sizes],
                    "M": [(torch.rand(k, 1, h, w, generator=g) > 0.5).float() for h, w in sizes],
                    "H": [torch.eye(3).repeat(k, 1, 1) for _ in sizes],
                    "human": torch.zeros(k, dtype=torch.bool),
                    "frame": torch.arange(k),
                    "video": "v",
                    "start": 0,
                }
            )

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return self.items[i]


def make_trainer(
    args: argparse.Namespace, balancer: str, conflicts: bool, data: Dataset, out: Path
) -> Trainer:
    cfg = config_from_dict(
        {
            "model": {"name": args.model},
            "balancer": {"name": balancer},
            "batch_size": args.batch,
            "epochs": 1,
            "device": args.device,
            "amp": args.amp,
            "tensorboard": False,
            "log_conflicts": conflicts,
        }
    )
    return Trainer(cfg, out, train_set=data, val_set=data)


def time_steps(trainer: Trainer, batch: dict, steps: int) -> float:
    """Mean seconds per ``train_step`` over ``steps`` steps (synchronised on GPU)."""
    sync = torch.cuda.synchronize if trainer.device.type == "cuda" else (lambda: None)
    sync()
    start = time.perf_counter()
    for _ in range(steps):
        trainer.train_step(batch)
    sync()
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="most-net++")
    parser.add_argument("--size", type=int, nargs=2, default=(64, 80), metavar=("H", "W"))
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3, help="timed steps per round")
    parser.add_argument("--rounds", type=int, default=5, help="the median round is reported")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--amp", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    data = RandomClips(args.batch, 2, *args.size)
    batch = next(iter(make_loader(data, ResumableSampler(len(data), 0), args.batch, 0, 0)))
    with tempfile.TemporaryDirectory() as tmp:
        trainers = [
            make_trainer(args, b, c, data, Path(tmp) / str(i)) for i, (b, c) in enumerate(SETTINGS)
        ]
        for t in trainers:
            time_steps(t, batch, args.warmup)
        # Rounds interleave the settings so load drift on a shared machine hits all alike.
        times = [[time_steps(t, batch, args.steps) for t in trainers] for _ in range(args.rounds)]
    medians = [statistics.median(r[i] for r in times) for i in range(len(SETTINGS))]
    rows = [
        {"balancer": b, "conflicts": c, "step_s": m}
        for (b, c), m in zip(SETTINGS, medians, strict=True)
    ]
    ls = rows[0]["step_s"]
    print(
        f"{args.model}, {args.size[0]}x{args.size[1]}, batch {args.batch}, device {args.device}\n"
    )
    print("| balancer | conflict logging | s/step | ratio to LS |\n|---|---|---|---|")
    for r in rows:
        r["ratio"] = r["step_s"] / ls
        logging = "on" if r["conflicts"] else "off"
        print(f"| {r['balancer']} | {logging} | {r['step_s']:.4f} | {r['ratio']:.2f} |")
    if args.json:
        args.json.write_text(
            json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "rows": rows}, indent=2)
        )


if __name__ == "__main__":
    main()
