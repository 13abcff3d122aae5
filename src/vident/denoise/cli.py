"""F2F denoising: train a DnCNN frame-to-frame on noisy C1 recordings, write D and N = C1 - D.

Trains one denoiser on all the C1 recordings given (Ehret et al. 2019: target = the noisy
neighbour frame warped by optical flow, occlusions masked), saves it to MODEL, then denoises
each recording into its own OUT.zarr:
  RGB recordings:  D (t,y,x,c) uint8 denoised, N (t,y,x,c) int16 = C1 - D (lossless, signed).
  --raw (16-bit RGGB Bayer PNG folders; the network works on the 4 packed half-res planes):
                   D (t,y,x) uint16 denoised mosaic, N (t,y,x) int32 = C1 - D, and
                   RGB (t,y,x,c) uint8 = D demosaicked (OpenCV bilinear) and scaled by 1/257.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from vident.cli import from_args
from vident.denoise.bayer import pack_rggb, planes_to_rgb, unpack_rggb
from vident.denoise.f2f import F2FTraining, VideoPairs, denoise_frames, train_f2f, video_pairs
from vident.denoise.net import DenoiserConfig, load_denoiser, save_denoiser
from vident.denoise.runtime import seed_everything
from vident.device import pick_device
from vident.errors import VidentError
from vident.io.stage import write_stage
from vident.io.video import demosaic_rggb, raw_to_uint8, read_video
from vident.motion.flow import make_flow

log = logging.getLogger("vident.denoise")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--c1", nargs="+", required=True, type=Path, help="noisy C1 recordings")
    parser.add_argument(
        "--out",
        nargs="*",
        default=[],
        type=Path,
        help="one denoise.zarr per C1 recording, same order (none: train only)",
    )
    parser.add_argument(
        "--model", type=Path, help="checkpoint to write (denoise.pt); needed when training"
    )
    parser.add_argument(
        "--raw", action="store_true", help="C1 is 16-bit RGGB Bayer; denoise in RAW"
    )
    parser.add_argument(
        "--init",
        type=_optional,
        default=None,
        help="start from this checkpoint (none: random init)",
    )
    parser.add_argument("--flow", default="dis", help="flow backend (dis, raft_small, raft_large)")
    parser.add_argument(
        "--flow-weights",
        type=_optional,
        default=None,
        help="flow weights: none (default), 'default' (torchvision's) or a checkpoint path",
    )
    d, t = DenoiserConfig(), F2FTraining()
    parser.add_argument("--features", type=int, default=d.features, help="DnCNN channels")
    parser.add_argument("--depth", type=int, default=d.depth, help="DnCNN convolution layers")
    parser.add_argument("--iterations", type=int, default=t.iterations)
    parser.add_argument("--batch", type=int, default=t.batch, help="crops per iteration")
    parser.add_argument("--crop", type=int, default=t.crop, help="crop side (in network pixels)")
    parser.add_argument("--lr", type=float, default=t.lr)
    parser.add_argument(
        "--flow-blur",
        type=float,
        default=t.flow_blur,
        help="sigma (px) of the Gaussian pre-smoothing of the noisy frames before flow",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", help="auto|cpu|cuda")


def _optional(value: str) -> str | None:
    """Config nulls reach the shell as "None"/"null": they mean the option is absent."""
    return None if value.strip().lower() in ("", "none", "null") else value


def _network_frames(path: Path, raw: bool) -> tuple[np.ndarray, torch.Tensor, torch.Tensor]:
    """The recording as read, the network's input (T,C,H,W) in [0,1] and the RGB flow guide."""
    frames = read_video(path, raw=raw)
    if raw:
        if frames.shape[1] % 2 or frames.shape[2] % 2:
            raise VidentError(
                f"RAW Bayer frames need even sides, got {frames.shape[1]}x{frames.shape[2]}", path
            )
        planes = pack_rggb(frames)
        return (
            frames,
            planes,
            planes_to_rgb(planes).sqrt(),
        )  # gamma-like lift of linear RAW for flow
    x = torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 255
    return frames, x, x


def _outputs(
    frames: np.ndarray, denoised: torch.Tensor, raw: bool
) -> dict[str, np.ndarray]:
    """The store's arrays (dimension names t,y,x[,c] by `write_stage`'s default)."""
    if raw:
        d = unpack_rggb(denoised)
        n = frames.astype(np.int32) - d.astype(np.int32)
        rgb = raw_to_uint8(np.stack([demosaic_rggb(m) for m in d]))
        return {"D": d, "N": n, "RGB": rgb}
    d = (denoised * 255).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy()
    n = frames.astype(np.int16) - d.astype(np.int16)
    return {"D": d, "N": n}


def run(args: argparse.Namespace) -> None:
    """Train on every --c1 recording (unless --iterations 0: apply --init), then denoise each
    recording into its --out store."""
    if args.out and len(args.c1) != len(args.out):
        raise VidentError(
            f"need one --out store per --c1 recording (got {len(args.c1)} and {len(args.out)})"
        )
    if args.iterations > 0 and args.model is None:
        raise VidentError("--model (the checkpoint to write) is needed when training")
    if args.iterations == 0 and args.init is None:
        raise VidentError("--iterations 0 applies a trained denoiser: give it with --init")
    seed_everything(args.seed)
    device = pick_device(args.device)
    init = load_denoiser(args.init) if args.init is not None else None
    config = from_args(DenoiserConfig, args, channels=4 if args.raw else 3)
    if init is not None and init.config.channels != config.channels:
        raise VidentError(
            f"checkpoint denoises {init.config.channels} channels, "
            f"this run needs {config.channels}",
            args.init,
        )
    recordings = [_network_frames(path, args.raw) for path in args.c1]
    model = init.to(device) if args.iterations == 0 else _train(args, recordings, init, config,
                                                               device)
    for (frames, x, _), out in zip(recordings, args.out, strict=False):
        start = time.perf_counter()
        denoised = denoise_frames(model, x)
        seconds = time.perf_counter() - start
        write_stage(
            out, _outputs(frames, denoised, args.raw), {"stage": "denoise", "raw": args.raw}
        )
        log.info(
            "denoise: %d frames in %.1f s (%.1f frames/s) -> %s",
            len(x),
            seconds,
            len(x) / max(seconds, 1e-9),
            out,
        )


def _train(args: argparse.Namespace, recordings: list, init, config: DenoiserConfig,
           device: torch.device):
    """F2F training on all recordings; writes and returns the model."""
    flow = make_flow(args.flow, weights=args.flow_weights, device=device)
    videos = [video_pairs(x, guide.to(device), flow, args.flow_blur) for _, x, guide in recordings]
    del flow
    training = from_args(F2FTraining, args)
    model, losses = train_f2f(
        _on(videos, device), init.config if init else config, training, init, device
    )
    save_denoiser(
        model,
        args.model,
        {
            "training": asdict(training),
            "raw": args.raw,
            "flow": args.flow,
            "recordings": [str(p) for p in args.c1],
            "final_loss": losses[-1],
        },
    )
    return model

def _on(videos: list[VideoPairs], device: torch.device) -> list[VideoPairs]:
    return [
        VideoPairs(
            *(getattr(v, f).to(device) for f in ("frames", "source", "neighbour", "flow", "valid"))
        )
        for v in videos
    ]
