"""Loader benchmark: random-access clip reads (K frames of B, R, M) from a vident Zarr store vs.
the same frames stored as PNG folders, with 0 and 2 DataLoader workers. Makes its own data.

    .venv/bin/python benchmarks/loader.py [--out DIR] [--clip-len 3]

Prints a table of frames/s (clip frames delivered per second, worker start-up excluded).
Progress bars from writing the data go to stderr (``2>/dev/null`` hides them).
Rows "zarr" and "png" decode only (uint8 tensors at scale 1); "zarr+scales" is the full
``ClipDataset`` item (float tensors at 3 scales, conjugated H).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from vident.io.dataset import ClipDataset, make_loader
from vident.io.reader import open_store
from vident.io.video import write_png_frames
from vident.io.writer import root_attrs, write_root, write_video

SETTINGS = (("128x160", 4, 60, 128, 160), ("320x416", 2, 40, 320, 416))


def synthetic_video(frames: int, height: int, width: int, seed: int) -> dict[str, np.ndarray]:
    """Smooth moving texture plus noise (compresses like camera frames, unlike pure noise)."""
    rng = np.random.default_rng(seed)
    base = cv2.resize(rng.random((height // 8, width // 8 + frames, 3)).astype(np.float32),
                      (width + 8 * frames, height), interpolation=cv2.INTER_CUBIC)
    clips = np.stack([base[:, 8 * t:8 * t + width] for t in range(frames)])
    noisy = np.clip(clips * 255 + rng.normal(0, 4, clips.shape), 0, 255).astype(np.uint8)
    return {
        "B": noisy, "R": np.clip(clips * 255, 0, 255).astype(np.uint8),
        "M": (clips[..., 0] > 0.5).astype(np.uint8),
        "H": np.tile(np.eye(3, dtype=np.float32), (frames, 1, 1)),
        "human": np.zeros(frames, bool), "frame": np.arange(frames, dtype=np.int32),
    }


def make_data(out: Path, videos: int, frames: int, height: int, width: int) -> tuple[str, Path]:
    """The same videos as a Zarr store and as PNG folders (B/, R/ RGB; M/ 8-bit grey)."""
    store, pngs = out / "bench.zarr", out / "png"
    for v in range(videos):
        arrays = synthetic_video(frames, height, width, seed=v)
        write_video(store, "train", f"v{v}", arrays, {"recording": f"v{v}", "fps": 30.0,
                                                        "kind": "phantom"})
        write_png_frames(pngs / f"v{v}" / "B", arrays["B"])
        write_png_frames(pngs / f"v{v}" / "R", arrays["R"])
        (pngs / f"v{v}" / "M").mkdir()
        for t, mask in enumerate(arrays["M"]):
            cv2.imwrite(str(pngs / f"v{v}" / "M" / f"{t:06d}.png"), mask)
    write_root(store, root_attrs("bench", ["restore"], (height, width), [], "0" * 64))
    return str(store), pngs


class ZarrClips(Dataset):
    """Decode-only clips from the store (uint8 B, R, M at scale 1), opened lazily per worker."""

    def __init__(self, store: str, index: list[tuple[str, int]], clip_len: int) -> None:
        self.store, self.index, self.clip_len = store, index, clip_len
        self._arrays: dict[str, dict] = {}

    def __len__(self) -> int:
        return len(self.index)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_arrays": {}}

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        video, start = self.index[i]
        if video not in self._arrays:
            group = open_store(self.store)[f"train/{video}"]
            self._arrays[video] = {name: group[name] for name in ("B", "R", "M")}
        clip = slice(start, start + self.clip_len)
        return {name: torch.from_numpy(np.asarray(array[clip]))
                for name, array in self._arrays[video].items()}


class PngClips(Dataset):
    """Decode-only clips from PNG folders (uint8 B, R, M at scale 1)."""

    def __init__(self, root: Path, index: list[tuple[str, int]], clip_len: int) -> None:
        self.root, self.index, self.clip_len = root, index, clip_len

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        video, start = self.index[i]
        frames = range(start, start + self.clip_len)
        out = {}
        for name, flag in (("B", cv2.IMREAD_COLOR_RGB), ("R", cv2.IMREAD_COLOR_RGB),
                           ("M", cv2.IMREAD_GRAYSCALE)):
            folder = self.root / video / name
            out[name] = torch.from_numpy(np.stack([cv2.imread(str(folder / f"{t:06d}.png"), flag)
                                                   for t in frames]))
        return out


def frames_per_second(dataset: Dataset, clip_len: int, workers: int) -> float:
    """Clip frames per second over one shuffled epoch, timed from the first batch on."""
    loader = make_loader(dataset, batch_size=4, num_workers=workers, shuffle=True, seed=0)
    iterator = iter(loader)
    next(iterator)  # worker start-up and first batch excluded
    start, clips = time.perf_counter(), 0
    for batch in iterator:
        clips += len(batch["B"][0]) if isinstance(batch["B"], list) else len(batch["B"])
    return clips * clip_len / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="work folder (default: a temp folder)")
    parser.add_argument("--clip-len", type=int, default=3)
    args = parser.parse_args()
    k = args.clip_len
    # One intra-op thread in the main process, as in each DataLoader worker: on a shared CPU,
    # torch's thread pool otherwise spins against the workers and slows small ops ~40x.
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.out or Path(tmp)
        rows = []
        for label, videos, frames, height, width in SETTINGS:
            store, pngs = make_data(work / label, videos, frames, height, width)
            full = ClipDataset(store, "train", clip_len=k)
            candidates = {"zarr": ZarrClips(store, full.index, k),
                          "png": PngClips(pngs, full.index, k), "zarr+scales": full}
            for name, dataset in candidates.items():
                for workers in (0, 2):
                    fps = frames_per_second(dataset, k, workers)
                    rows.append((label, name, workers, fps))
                    print(f"{label:8s} {name:12s} workers={workers}: {fps:8.0f} frames/s",
                          flush=True)
    print(f"\n| size | source | workers | frames/s (K={k}) |\n|---|---|---|---|")
    for label, name, workers, fps in rows:
        print(f"| {label} | {name} | {workers} | {fps:.0f} |")


if __name__ == "__main__":
    main()
