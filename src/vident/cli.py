"""The ``vident`` command: one sub-command per stage; each stage module is imported lazily.

A stage's CLI module defines ``add_arguments(parser)`` and ``run(args) -> None`` and a module
docstring whose first line is the sub-command's help. Add a stage by adding one line to COMMANDS.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TypeVar

from vident import __version__
from vident.errors import VidentError

COMMANDS: dict[str, str] = {
    "sample": "vident.sample.cli",
    "masks": "vident.masks.cli",
    "motion": "vident.motion.cli",
    "sync": "vident.sync.cli",
    "register": "vident.register.cli",
    "models": "vident.models.cli",
    "train": "vident.train.cli",
    "blur": "vident.blur.cli",
    "denoise": "vident.denoise.cli",
    "colour": "vident.colour.cli",
    "sharpen": "vident.real.cli",
    "assemble": "vident.assemble.cli",
    "bench": "vident.bench.cli",
    "report": "vident.report.cli",
}


T = TypeVar("T")


def from_args(cls: type[T], args: argparse.Namespace, **override: Any) -> T:
    """Dataclass ``cls`` with every field that has a same-named argument taken from ``args``
    (the rest keep their defaults), then ``override``: stage settings stay named once."""
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls)  # type: ignore[arg-type]
              if hasattr(args, f.name)}
    return cls(**{**values, **override})


def _parser(argv: Sequence[str]) -> tuple[argparse.ArgumentParser, object | None]:
    parser = argparse.ArgumentParser(prog="vident", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"vident {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Import only the module of the command asked for, so `vident sample` never imports torch.
    wanted = next((a for a in argv if a in COMMANDS), None)
    module = None
    for name, path in COMMANDS.items():
        if name == wanted:
            module = importlib.import_module(path)
            sp = sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
            module.add_arguments(sp)
        else:
            sub.add_parser(name, help=f"(see `vident {name} --help`)")
    return parser, module


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``vident`` console script."""
    # OpenMP threads that spin while waiting collapse when jobs share oversubscribed cores
    # (`snakemake --cores 8` on a 2-core machine ran 50x slower); sleeping waits degrade gently.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, module = _parser(argv)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        datefmt="%H:%M:%S",
    )
    log = logging.getLogger("vident")
    start = time.perf_counter()
    try:
        module.run(args)  # type: ignore[union-attr]
    except VidentError as err:
        print(f"vident {args.command}: error: {err}", file=sys.stderr)
        sys.exit(2)
    log.info("%s finished in %.1f s", args.command, time.perf_counter() - start)


if __name__ == "__main__":
    main()
