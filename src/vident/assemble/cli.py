"""Assemble the Zarr dataset: one video group per recording, then root attributes and the card.

`vident assemble video` writes one video group and its summary (written last: the job's
completion marker); `vident assemble dataset` writes the root attributes, validates the whole
store and writes the card.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from vident.assemble.card import render_card
from vident.assemble.summary import against_truth, baseline
from vident.errors import VidentError
from vident.io.atomic import write_text
from vident.io.schema import SPLITS, validate_store
from vident.io.stage import read_stage
from vident.io.video import read_video
from vident.io.writer import root_attrs, write_root, write_video

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    video = sub.add_parser("video", help="write one video group of the dataset")
    video.add_argument("--store", required=True, help="dataset store (path or fsspec URL)")
    video.add_argument("--split", required=True, choices=SPLITS)
    video.add_argument("--video", required=True, help="video (recording) name")
    video.add_argument("--kind", required=True, choices=["phantom", "real"])
    video.add_argument("--inputs", required=True,
                       help="B: STORE.zarr:ARRAY of a stage store, or a video/PNG folder")
    video.add_argument("--labels", required=True, help="R: STORE.zarr:ARRAY")
    video.add_argument("--masks", required=True, type=Path, help="masks store (M, human)")
    video.add_argument("--motion", required=True, type=Path, help="motion store (H)")
    video.add_argument("--truth", type=Path, help="truth.zarr of the recording, if it has one")
    video.add_argument("--fps", type=float, default=30.0)
    video.add_argument("--summary", required=True, type=Path, help="summary JSON (written last)")
    data = sub.add_parser("dataset", help="write root attributes, validate, write the card")
    data.add_argument("--store", required=True)
    data.add_argument("--name", required=True)
    data.add_argument("--summaries", required=True, nargs="+", type=Path)
    data.add_argument("--config-sha256", required=True, help="hash of the workflow config used")
    data.add_argument("--card", required=True, type=Path)


def _frames(spec: str) -> np.ndarray:
    """Frames from ``STORE.zarr:ARRAY`` or from a video file / PNG folder (RGB uint8)."""
    store, sep, array = spec.rpartition(":")
    if sep and store.endswith(".zarr"):
        return read_stage(store, [array])[array]
    return read_video(spec)


def _video(args: argparse.Namespace) -> None:
    B, R = _frames(args.inputs), _frames(args.labels)
    masks = read_stage(args.masks, ["M", "human"])
    H = read_stage(args.motion, ["H"])["H"]
    sizes = {"inputs": B.shape, "labels": R.shape, "masks": masks["M"].shape, "motion": H.shape}
    if len({s[0] for s in sizes.values()}) != 1 or B.shape != R.shape \
            or B.shape[1:3] != masks["M"].shape[1:]:
        raise VidentError(f"stage outputs disagree in frames or size: {sizes}", args.store)
    arrays = {"B": B, "R": R, "M": masks["M"], "H": H.astype(np.float32),
              "human": masks["human"].astype(bool), "frame": np.arange(len(B), dtype=np.int32)}
    write_video(args.store, args.split, args.video, arrays,
                {"recording": args.video, "fps": args.fps, "kind": args.kind})
    summary = {
        "video": args.video, "split": args.split, "kind": args.kind, "frames": len(B),
        "frame_size": list(B.shape[1:3]), "human": int(arrays["human"].sum()),
        "baseline": baseline(B, R, arrays["M"], arrays["H"]),
    }
    if args.truth:
        truth = read_stage(args.truth, ["R", "M", "H"])
        summary["truth"] = against_truth(R, arrays["M"], arrays["H"], truth, B)
        log.info("%s vs truth: %s", args.video,
                 ", ".join(f"{k} {v:.3f}" for k, v in summary["truth"].items()))
    write_text(args.summary, json.dumps(summary, indent=1) + "\n")


def _created() -> str:
    """Creation time; SOURCE_DATE_EPOCH (reproducible builds) pins it for byte-identical stores."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return when.replace(microsecond=0).isoformat()


def _dataset(args: argparse.Namespace) -> None:
    summaries = [json.loads(p.read_text()) for p in sorted(args.summaries)]
    sizes = {tuple(s["frame_size"]) for s in summaries}
    if len(sizes) != 1:
        raise VidentError(f"videos have different frame sizes {sorted(sizes)}", args.store)
    attrs = root_attrs(
        args.name, ["restoration", "segmentation", "homography"], sizes.pop(),
        sorted(s["video"] for s in summaries),
        args.config_sha256, created=_created(),
    )
    write_root(args.store, attrs)
    validate_store(args.store)
    write_text(args.card, render_card(args.name, attrs, summaries))
    log.info("%s: %d videos, %d frames", args.name, len(summaries),
             sum(s["frames"] for s in summaries))


def run(args: argparse.Namespace) -> None:
    {"video": _video, "dataset": _dataset}[args.action](args)
