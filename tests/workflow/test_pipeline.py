"""End to end: `snakemake` builds both datasets from the sample and they meet the truth.

Whole-workflow runs: the default config on the embedded sample (quality against the sample's
truth, nothing to redo afterwards, a stage's config change reruns only what depends on it), the
same with RAFT fine-tuned by the rule as the motion flow, and two runs of a quick config on a
second sample with another seed outside the repo — one killed mid-run and resumed — which must
give byte-identical datasets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import yaml
import zarr

from vident.io.schema import validate_store
from vident.metrics import mace
from vident.sample import make_sample

REPO = Path(__file__).parents[2]
DATASETS = ("vident-lab", "vident-real")
# A quick config: the stages' own tests hold the quality bars; this one checks the plumbing.
QUICK = {
    "denoise": {"iterations": 20},
    "colour": {"iterations": 20},
    "masks": {"steps": 10},
    "motion": {"finetune": {"steps": 2, "eval_pairs": 2}},
    "real": {"iters": 10},
}


def _env() -> dict[str, str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, "SOURCE_DATE_EPOCH": "0"}


def _command(*args: str, configfiles: tuple[Path, ...] = ()) -> list[str]:
    files = [str(REPO / "config" / "config.yaml"), *map(str, configfiles)]
    # Targets before --configfile, which would take them for more config files.
    return [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--cores", "2",
            *args, "--configfile", *files]


def snakemake(workdir: Path, *args: str, configfiles: tuple[Path, ...] = ()) -> str:
    run = subprocess.run(_command(*args, configfiles=configfiles), cwd=workdir, env=_env(),
                         capture_output=True, text=True, timeout=3600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout + run.stderr


def _store_bytes(store: Path) -> dict[str, bytes]:
    return {str(p.relative_to(store)): p.read_bytes() for p in sorted(store.rglob("*"))
            if p.is_file()}


def _quick_config(tmp: Path, sample: Path, results: Path) -> Path:
    def merge(base: dict, extra: dict) -> dict:
        return {k: merge(base[k], extra[k]) if isinstance(extra.get(k), dict) else extra.get(k, v)
                for k, v in base.items()}

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config = merge(config, QUICK)
    config.update(recordings=str(sample / "recordings.tsv"), results=str(results))
    path = tmp / f"{results.name}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("default")
    snakemake(workdir)
    return workdir


def test_default_run_meets_the_truth(default_run: Path) -> None:
    results = default_run / "results"
    for name in DATASETS:
        validate_store(results / f"{name}.zarr")
        assert (results / f"{name}.card.md").read_text().startswith(f"# {name}")
    lab = [json.loads(p.read_text()) for p in (results / "vident-lab.parts").glob("*.json")]
    assert len(lab) == 4
    for part in lab:
        truth = part["truth"]
        assert truth["psnr_R"] >= 28.0, part
        assert truth["iou_M"] >= 0.85, part
        assert truth["mace_H"] <= 1.0, part
    (real,) = [json.loads(p.read_text()) for p in (results / "vident-real.parts").glob("*.json")]
    assert real["truth"]["psnr_R"] >= real["truth"]["psnr_B"] + 3.0, real


def test_second_run_does_nothing_and_a_stage_change_reruns_only_its_part(
    default_run: Path,
) -> None:
    assert "Nothing to be done" in snakemake(default_run, "-n")
    masks = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["masks"]
    edited = default_run / "masks-edited.yaml"
    edited.write_text(yaml.safe_dump({"masks": {**masks, "steps": masks["steps"] + 1}}))
    plan = snakemake(default_run, "-n", configfiles=(edited,))
    table = plan.split("Job stats:")[1].split("total")[0]
    rules = {line.split()[0] for line in table.splitlines()[3:] if line.strip()}
    assert {"masks_train", "masks_apply", "motion_fit", "assemble_video"} <= rules
    assert not rules & {"sample", "sync", "register", "denoise_train", "denoise", "blur",
                        "colour_train", "colour_apply", "sharpen"}


def test_real_data_overlay_plans_pretrained_networks(tmp_path: Path) -> None:
    """config/real-data.yaml validates and switches the learnt stages to pretrained networks."""
    make_sample(tmp_path / "data" / "sample", seed=0)
    plan = snakemake(tmp_path, "-n", "-p", configfiles=(REPO / "config" / "real-data.yaml",))
    commands = [line.removeprefix("Shell command: ") for line in plan.splitlines()
                if line.startswith("Shell command: vident ")]
    finetune = [c for c in commands if c.startswith("vident motion finetune")]
    fit = [c for c in commands if c.startswith("vident motion fit")]
    masks = [c for c in commands if c.startswith("vident masks train")]
    assert len(finetune) == 2 and all("--arch raft_large --pretrained" in c for c in finetune)
    assert len(fit) == 5 and all("--flow raft_large" in c for c in fit)
    assert len(masks) == 2 and all("--backbone hrnet_w48" in c and "--pretrained" in c
                                   for c in masks)


def test_raft_fine_tuned_by_the_rule_meets_the_truth(default_run: Path) -> None:
    """With ``motion.flow: raft_small`` the motion_finetune rule trains RAFT from random init on
    the dataset's R; the homographies it then gives still meet the MACE bar."""
    motion = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["motion"]
    raft = default_run / "raft.yaml"
    raft.write_text(yaml.safe_dump({"motion": {**motion, "flow": "raft_small"}}))
    snakemake(default_run, "results/vident-lab.card.md", configfiles=(raft,))
    results = default_run / "results"
    scores = torch.load(results / "vident-lab" / "models" / "raft.pt", weights_only=True)["scores"]
    assert scores["epe_after"] < 0.5 * scores["epe_before"], scores
    for part in (results / "vident-lab.parts").glob("*.json"):
        fitted = json.loads(part.read_text())["truth"]["mace_H"]
        h_true = zarr.open_group(default_run / "data" / "sample" / part.stem / "truth" /
                                 "truth.zarr", mode="r")["H"][1:]
        h_true = torch.from_numpy(h_true).double()
        identity = float(mace(torch.eye(3).double().expand_as(h_true), h_true, 128, 160).mean())
        assert fitted <= 1.0 and fitted < 0.75 * identity, (part.stem, fitted, identity)


def test_outside_sample_killed_and_resumed_is_byte_identical(tmp_path: Path) -> None:
    sample = make_sample(tmp_path / "other-sample", seed=7)
    first = _quick_config(tmp_path, sample, tmp_path / "out-a")
    snakemake(tmp_path, configfiles=(first,))
    second = _quick_config(tmp_path, sample, tmp_path / "out-b")
    proc = subprocess.Popen(_command(configfiles=(second,)), cwd=tmp_path, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    marker = tmp_path / "out-b" / "vident-lab" / "models" / "colour.pt"
    deadline = time.monotonic() + 1800
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert proc.poll() is None, "the workflow ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    snakemake(tmp_path, "--unlock", configfiles=(second,))
    snakemake(tmp_path, "--rerun-incomplete", configfiles=(second,))
    for name in DATASETS:
        a, b = _store_bytes(tmp_path / "out-a" / f"{name}.zarr"), _store_bytes(
            tmp_path / "out-b" / f"{name}.zarr")
        assert a.keys() == b.keys()
        assert [k for k in a if a[k] != b[k]] == []
