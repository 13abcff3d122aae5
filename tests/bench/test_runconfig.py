"""`vident bench config`: a base training config with the run's store, model and balancer."""

from __future__ import annotations

from pathlib import Path

from vident.cli import main
from vident.train.config import load_config

BASE = """
model: {name: most-net++, args: {}}
balancer: {name: ls, args: {lambdas: {R: 0.1, M: 0.2, H: 1400.0}}}
data: {store: results/vident-lab.zarr, clip_length: 2}
batch_size: 2
epochs: 3
"""


def test_run_config_overrides_store_model_and_balancer(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASE)
    out = tmp_path / "run" / "train.yaml"
    main(
        [
            "bench",
            "config",
            str(base),
            "--out",
            str(out),
            "--store",
            "/data/lab.zarr",
            "--model",
            "mimo-unet",
            "--balancer",
            "atb",
        ]
    )
    cfg = load_config(out)
    assert cfg.data.store == "/data/lab.zarr" and cfg.data.clip_length == 2
    assert (cfg.model.name, cfg.balancer.name, cfg.balancer.args) == ("mimo-unet", "atb", {})
    assert (cfg.batch_size, cfg.epochs) == (2, 3)
    main(["bench", "config", str(base), "--out", str(out), "--store", "s.zarr"])
    cfg = load_config(out)  # the base's own model and balancer keep their arguments
    assert cfg.balancer.name == "ls" and cfg.balancer.args["lambdas"]["H"] == 1400.0
