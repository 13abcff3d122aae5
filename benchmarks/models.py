"""Forward time of the registered models on one frame pair (default CPU, 320 x 416).

Usage: python benchmarks/models.py [--names most-net++ most-nss++] [--device cpu|cuda]
Prints seconds per forward (median of --repeats after --warmup untimed passes), frames per
second and the MOST-NSS++ / MOST-NET++ time ratio. Models are timed in turns (one pass of each
per round) so that load changes on a shared machine hit all of them alike. On CPU both wall time
and this process's CPU time are reported (with --threads 1 the CPU time is robust to other load);
on CUDA the device is synchronised around each timed pass.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from vident.models.zoo import build_model, count_parameters, model_names


def time_forward(
    model: torch.nn.Module, prev: torch.Tensor, cur: torch.Tensor
) -> tuple[float, float]:
    """(wall, CPU) seconds of one no-grad forward pass of ``model`` on (prev, cur)."""
    cuda = prev.device.type == "cuda"
    with torch.no_grad():
        if cuda:
            torch.cuda.synchronize(prev.device)
        wall, cpu = time.perf_counter(), time.process_time()
        model(prev, cur)
        if cuda:
            torch.cuda.synchronize(prev.device)
        return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", nargs="+", default=None)
    parser.add_argument("--height", type=int, default=320)
    parser.add_argument("--width", type=int, default=416)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (CPU)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    names = args.names or model_names()
    print(
        f"device {device}, {torch.get_num_threads()} threads, frame pair {args.height}x{args.width}"
    )
    torch.manual_seed(0)
    models = {name: build_model(name).to(device).eval() for name in names}
    g = torch.Generator().manual_seed(0)
    prev, cur = (
        torch.rand(1, 3, args.height, args.width, generator=g).to(device) for _ in range(2)
    )
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for i in range(args.warmup + args.repeats):
        for name, model in models.items():
            timing = time_forward(model, prev, cur)
            if i >= args.warmup:
                runs[name].append(timing)
    wall = {n: statistics.median(t[0] for t in r) for n, r in runs.items()}
    cpu = {n: statistics.median(t[1] for t in r) for n, r in runs.items()}
    print(f"{'model':<16}{'params':>8}  {'wall s':>8}  {'FPS':>7}  {'CPU s':>8}")
    for name, model in models.items():
        print(
            f"{name:<16}{count_parameters(model) / 1e6:7.2f}M  {wall[name]:8.3f}  "
            f"{1 / wall[name]:7.2f}  {cpu[name]:8.3f}"
        )
    if {"most-nss++", "most-net++"} <= set(runs):
        print(
            "most-nss++ / most-net++ time ratio: "
            f"wall {wall['most-nss++'] / wall['most-net++']:.3f}, "
            f"CPU {cpu['most-nss++'] / cpu['most-net++']:.3f}"
        )


if __name__ == "__main__":
    main()
