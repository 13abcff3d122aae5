"""The miniature phantom beam-splitter sample (design §3): synthetic recordings with exact truth."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tqdm import tqdm

from vident.errors import VidentError
from vident.sample.simulate import Recording, simulate_phantom, simulate_real
from vident.sample.writer import write_sample

__all__ = ["make_sample", "split_plan"]

log = logging.getLogger(__name__)


def split_plan(videos: int) -> list[str]:
    """Splits of ``videos`` phantom videos: about 60% train, the rest shared by val and test
    (test first when odd); 4 -> train, train, val, test; at least one val and test from 3 up."""
    n_train = min(max(1, round(0.6 * videos)), max(1, videos - 2))
    rest = videos - n_train
    n_test = (rest + 1) // 2
    return ["train"] * n_train + ["val"] * (rest - n_test) + ["test"] * n_test


def _check(videos: int, frames: int, height: int, width: int, real: int, out: Path) -> None:
    if videos < 1 or real < 0:
        raise VidentError(
            f"need at least 1 phantom video and 0 or more real ones (got {videos}, {real})", out
        )
    if frames < 8:
        raise VidentError(f"need at least 8 frames per video (got {frames})", out)
    if height < 32 or width < 32 or height % 2 or width % 2:
        raise VidentError(f"frame size must be even and at least 32x32 (got {height}x{width})", out)


def make_sample(
    out: Path,
    seed: int,
    videos: int = 4,
    frames: int = 40,
    height: int = 128,
    width: int = 160,
    real: int = 1,
    a: float = 0.01,
    sigma: float = 0.02,
) -> Path:
    """Write the sample to ``out`` (replacing it atomically) and return ``out``.

    ``videos`` phantom recordings (C1 + C2, ``frames`` C2 frames each) split by `split_plan`, and
    ``real`` RAW Bayer C1-only recordings in split test; C1 noise is Poisson-Gaussian (a, sigma).
    Same arguments -> byte-identical files.
    """
    out = Path(out)
    _check(videos, frames, height, width, real, out)
    hw = (height, width)
    jobs: list[tuple[str, Callable[[], Recording]]] = [
        (split, partial(simulate_phantom, f"phantom-{i:02d}", seed, i, split, frames, hw, a, sigma))
        for i, split in enumerate(split_plan(videos))
    ]
    jobs += [
        ("test", partial(simulate_real, f"real-{i:02d}", seed, i, frames, hw, a, sigma))
        for i in range(real)
    ]
    start = time.perf_counter()
    write_sample(out, tqdm(jobs, desc="sample", unit="recording"))
    seconds = time.perf_counter() - start
    total = (videos * 2 + real) * frames
    log.info(
        "sample: %d recordings, %d frames in %.1f s (%.0f frames/s) -> %s",
        len(jobs),
        total,
        seconds,
        total / seconds,
        out,
    )
    return out
