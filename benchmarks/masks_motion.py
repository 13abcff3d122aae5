"""Masks and motion stages on the miniature sample, against its truth: IoU and mask-inference
frames/s, RAFT fine-tuning step time and held-out EPE before/after, flow + fit frames/s and MACE
with the fine-tuned RAFT and with DIS (predicted masks and truth masks), and the synthetic
"instrument crossing the teeth" scene fitted with and without the mask.

Truth R stands in for the colour stage's R (so the numbers isolate these stages). Prints a
Markdown table; ``--json`` also writes the numbers.

    .venv/bin/python benchmarks/masks_motion.py --sample data/sample
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import zarr

from vident.masks.annotations import read_annotations
from vident.masks.network import SegmenterConfig
from vident.masks.predict import binarise, predict_probabilities
from vident.masks.train import TrainConfig, train_segmenter
from vident.metrics import iou, mace
from vident.motion.finetune import FinetuneConfig, finetune_raft
from vident.motion.flow import make_flow
from vident.motion.homography import FitConfig, fit_homographies, to_tensor
from vident.motion.raft import build_raft
from vident.recordings import load_recordings
from vident.sample import make_sample

SCHEMA = Path(__file__).resolve().parents[1] / "workflow" / "schemas" / "recordings.schema.yaml"


def _truth(sample: Path, rec: str) -> dict[str, np.ndarray]:
    g = zarr.open_group(str(sample / rec / "truth" / "truth.zarr"), mode="r")
    return {k: g[k][:] for k in ("R", "M", "H")}


def _mace(h: np.ndarray, truth: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    return mace(torch.from_numpy(h[1:]).double(), torch.from_numpy(truth[1:]).double(), *hw).numpy()


class CachedFlow:
    """Memoises a flow backend per frame pair, so fits with and without masks share the flow."""

    def __init__(self, flow) -> None:  # noqa: ANN001 - any flow callable
        self.flow, self.cache = flow, {}

    def __call__(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        key = (a.numpy().tobytes(), b.numpy().tobytes())
        if key not in self.cache:
            self.cache[key] = self.flow(a, b)
        return self.cache[key]


def _report(out: dict[str, float], key: str, value: float) -> None:
    out[key] = value
    print(f"| {key} | {value:.3f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sample", type=Path, help="sample folder (default: make one in a temp dir)"
    )
    parser.add_argument("--mask-steps", type=int, default=TrainConfig.steps)
    parser.add_argument("--raft-steps", type=int, default=FinetuneConfig.steps)
    parser.add_argument(
        "--raft-recordings",
        nargs="*",
        default=["phantom-02", "phantom-03"],
        help="recordings fitted with RAFT (RAFT on CPU is slow; DIS fits all)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    torch.manual_seed(0)
    sample = args.sample or make_sample(Path(tempfile.mkdtemp()) / "sample", seed=0)
    table = load_recordings(sample / "recordings.tsv", SCHEMA)
    table = table[table["kind"] == "phantom"]
    data = {rec: _truth(sample, rec) for rec in table.index}
    anns = {
        rec: read_annotations(sample / rec / "annotations", len(d["R"]), d["R"].shape[1:3])
        for rec, d in data.items()
    }
    out: dict[str, float] = {}
    print("| measure | value |\n|---|---|", flush=True)

    # Masks: train on every annotated frame, score the non-annotated frames of val and test.
    imgs = np.stack([data[r]["R"][t] for r in data for t in anns[r]])
    msks = np.stack([anns[r][t] for r in data for t in anns[r]])
    start = time.perf_counter()
    model = train_segmenter(imgs, msks, SegmenterConfig(), TrainConfig(steps=args.mask_steps))
    _report(out, "mask_train_s", time.perf_counter() - start)
    masks, scores, infer_s, n_frames = {}, [], 0.0, 0
    for rec, d in data.items():
        start = time.perf_counter()
        prob = predict_probabilities(model, d["R"])
        infer_s += time.perf_counter() - start
        n_frames += len(d["R"])
        masks[rec], human = binarise(prob, anns[rec])
        if table.loc[rec, "split"] in ("val", "test"):
            s = iou(
                torch.from_numpy(masks[rec][~human]).float()[:, None],
                torch.from_numpy(d["M"][~human]).float()[:, None],
            )
            scores.append(s.numpy())
    _report(out, "mask_iou_val_test", float(np.concatenate(scores).mean()))
    _report(out, "mask_fps", n_frames / infer_s)

    # RAFT fine-tuning on frames of every phantom recording (even frames train, odd held out).
    frames = torch.cat([to_tensor(d["R"]) for d in data.values()])
    cfg = FinetuneConfig(steps=args.raft_steps)
    module, ft = finetune_raft(build_raft("raft_small", None), frames[0::2], frames[1::2], cfg)
    for k, v in ft.items():
        _report(out, f"raft_{k}", v)
    ckpt = Path(tempfile.mkdtemp()) / "raft.pt"
    torch.save({"state_dict": module.state_dict()}, ckpt)

    # Flow + fit on every phantom recording, with predicted and with truth masks.
    flows = {
        "dis": make_flow("dis"),
        "raft": make_flow("raft_small", weights=str(ckpt), num_flow_updates=12),
    }
    for name, backend in flows.items():
        flow = CachedFlow(backend)
        recs = list(data) if name == "dis" else args.raft_recordings
        for which in ("truth", "pred"):
            errs, seconds, pairs = [], 0.0, 0
            for rec in recs:
                d = data[rec]
                m = masks[rec] if which == "pred" else d["M"]
                start = time.perf_counter()
                hs, _, _ = fit_homographies(d["R"], m, flow, FitConfig())
                seconds += time.perf_counter() - start
                pairs += len(d["R"]) - 1
                errs.append(_mace(hs, d["H"], d["R"].shape[1:3]))
            _report(out, f"mace_{name}_{which}_masks", float(np.concatenate(errs).mean()))
            _report(
                out, f"fit_fps_{name}_{which}_masks", pairs / seconds
            )  # first pass includes the flow
    identity = [
        _mace(np.tile(np.eye(3), (len(d["H"]), 1, 1)), d["H"], d["R"].shape[1:3])
        for d in data.values()
    ]
    _report(out, "mace_identity", float(np.concatenate(identity).mean()))

    # The synthetic instrument scene of tests/motion/test_homography.py, with and without mask.
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "motion"))
    from test_homography import _scene

    f, m, h_true = _scene()
    for use in (True, False):
        hs, _, _ = fit_homographies(f, m, flows["dis"], FitConfig(min_inliers=50, use_mask=use))
        _report(
            out,
            f"scene_mace_{'mask' if use else 'nomask'}",
            float(_mace(hs, h_true, f.shape[1:3]).mean()),
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
