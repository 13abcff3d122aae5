"""Benchmark trained models: evaluate one on a split, join runs into tables and plots.

`vident bench evaluate` writes one row per (model, balancer, scale) to a parquet file;
`vident bench table` joins such files into results/bench/<dataset>.parquet, a Markdown page
shaped like Tables 5.2 / 6.3 / 6.4, and SVG plots; `vident bench config` writes the training
config of one benchmark run (a base config with the run's store, model and balancer).
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import pandas as pd
import yaml

from vident.bench.checkpoint import InputBaseline, load_trained
from vident.bench.evaluate import evaluate_scales, measure_cost
from vident.bench.plots import write_plots
from vident.bench.runconfig import run_config
from vident.bench.table import BASELINE, COLUMNS, KEY, report
from vident.device import pick_device
from vident.errors import VidentError
from vident.io.atomic import write_parquet, write_text
from vident.io.dataset import ClipDataset, make_loader
from vident.io.reader import open_store
from vident.train.config import load_config

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    ev = sub.add_parser("evaluate", help="metrics per scale of one trained model on a split")
    which = ev.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", type=Path, help="model.pt written by `vident train`")
    which.add_argument(
        "--baseline",
        action="store_true",
        help="the blind input baseline (B as R, H = I, all teeth) instead",
    )
    ev.add_argument("--store", required=True, help="dataset store (path or fsspec URL)")
    ev.add_argument("--split", default="test", help="split to evaluate [test]")
    ev.add_argument("--out", type=Path, required=True, help="parquet file of rows to write")
    ev.add_argument("--name", help="model label in the rows [the model's registered name]")
    ev.add_argument("--dataset", help="dataset label in the rows [the store's name attribute]")
    ev.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ev.add_argument("--batch-size", type=int, default=4, help="frame pairs per forward pass")
    ev.add_argument(
        "--size",
        type=int,
        nargs=2,
        default=[320, 416],
        metavar=("H", "W"),
        help="frame size for GFLOPs [320 416]",
    )
    ev.add_argument(
        "--fps-size", type=int, nargs=2, metavar=("H", "W"), help="frame size for FPS [--size]"
    )
    ev.add_argument("--warmup", type=int, default=3, help="untimed passes before FPS timing")
    ev.add_argument("--fps-iters", type=int, default=10, help="timed passes for FPS")

    tb = sub.add_parser("table", help="join evaluated rows into a parquet, Markdown and plots")
    tb.add_argument("--inputs", type=Path, nargs="+", required=True, help="evaluate outputs")
    tb.add_argument("--dataset", required=True, help="dataset the rows must belong to")
    tb.add_argument("--out", type=Path, required=True, help="joined parquet file")
    tb.add_argument("--markdown", type=Path, required=True, help="Markdown tables")
    tb.add_argument("--plots", type=Path, required=True, help="folder for the SVG plots")
    tb.add_argument(
        "--balancer", default="atb", help="the balancer whose runs represent each model [atb]"
    )

    cf = sub.add_parser("config", help="the training config of one benchmark run")
    cf.add_argument("base", type=Path, help="base training config (YAML)")
    cf.add_argument("--out", type=Path, required=True, help="config to write (YAML)")
    cf.add_argument("--store", required=True, help="the run's dataset store")
    cf.add_argument("--model", help="the run's model [the base's]")
    cf.add_argument("--balancer", help="the run's balancer [the base's]")


def _evaluate(args: argparse.Namespace) -> None:
    device = pick_device(args.device)
    if args.baseline:
        model, name, balancer = InputBaseline().to(device), BASELINE, ""
    else:
        trained = load_trained(args.model, device)
        model, name, balancer = trained.model, trained.name, trained.balancer
    dataset = args.dataset or str(open_store(args.store).attrs.get("name", ""))
    clips = ClipDataset(args.store, args.split, clip_len=2)
    loader = make_loader(clips, args.batch_size, shuffle=False)
    start = time.perf_counter()
    rows, pairs = evaluate_scales(model, loader, device, total=len(loader))
    elapsed = time.perf_counter() - start
    size = tuple(args.size)
    fps_size = tuple(args.fps_size or size)
    if args.baseline:
        cost = {"params": float("nan"), "gflops": float("nan"), "fps": float("nan")}
    else:
        c = measure_cost(model, device, size, fps_size, args.warmup, args.fps_iters)
        cost = {"params": float(c.params), "gflops": c.gflops, "fps": c.fps}
    common = {
        "model": args.name or name,
        "balancer": balancer,
        "dataset": dataset,
        "split": args.split,
        "pairs": pairs,
        **cost,
        "device": device.type,
        "size": f"{size[0]}x{size[1]}",
        "fps_size": f"{fps_size[0]}x{fps_size[1]}",
    }
    frame = pd.DataFrame([{**common, **r} for r in rows])[COLUMNS]
    write_parquet(frame, args.out)
    log.info(
        "evaluated %s on %s/%s: %d pairs in %.1f s (%.1f pairs/s); PSNR %.2f, FPS %.1f",
        common["model"],
        dataset,
        args.split,
        pairs,
        elapsed,
        pairs / max(elapsed, 1e-9),
        rows[0]["psnr"],
        cost["fps"],
    )


def read_rows(paths: list[Path], dataset: str) -> pd.DataFrame:
    """Concatenate evaluate outputs; each must hold the benchmark columns and ``dataset``'s rows,
    and no (model, balancer, scale) may appear twice."""
    frames = []
    for path in paths:
        try:
            frame = pd.read_parquet(path)
        except (OSError, ValueError) as err:
            raise VidentError(f"cannot read benchmark rows: {err}", path) from None
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise VidentError(
                f"not a `vident bench evaluate` output (no column {missing[0]!r})", path
            )
        other = sorted(set(frame["dataset"]) - {dataset})
        if other:
            raise VidentError(f"rows of dataset {other[0]!r}, expected {dataset!r}", path)
        frames.append(frame[COLUMNS])
    rows = pd.concat(frames, ignore_index=True)
    twice = rows[rows.duplicated(KEY, keep=False)]
    if len(twice):
        r = twice.iloc[0]
        raise VidentError(
            f"{r['model']} / {r['balancer']} / scale {r['scale']} is in more than one input",
            paths[0].parent,
        )
    return rows


def _table(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    rows = read_rows(args.inputs, args.dataset)
    write_parquet(rows, args.out)
    text = report(rows, args.dataset, args.balancer)
    write_text(args.markdown, text)
    plots = write_plots(rows, args.plots, args.balancer)
    log.info(
        "benchmark of %s: %d runs, %d rows, %d plots in %.1f s",
        args.dataset,
        len(rows.drop_duplicates(["model", "balancer"])),
        len(rows),
        len(plots),
        time.perf_counter() - start,
    )


def _config(args: argparse.Namespace) -> None:
    cfg = run_config(load_config(args.base), args.store, args.model, args.balancer)
    text = f"# {args.model or cfg.model.name} with {cfg.balancer.name}, from {args.base}\n"
    text += yaml.safe_dump(cfg.to_dict(), sort_keys=False)
    write_text(args.out, text)


def run(args: argparse.Namespace) -> None:
    {"evaluate": _evaluate, "table": _table, "config": _config}[args.action](args)
