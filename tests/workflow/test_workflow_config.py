"""The workflow validates its config and recordings table before running anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Snakemake on the repo's workflow with ``workdir`` as working directory."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
         "--configfile", str(REPO / "config" / "config.yaml"), *args],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=600,
    )


def test_unknown_config_key_names_itself(tmp_path: Path) -> None:
    run = snakemake(tmp_path, "-n", "--config", "bogus=1")
    assert run.returncode != 0
    assert "'bogus' was unexpected" in run.stdout + run.stderr


def test_bad_recordings_table_names_file_and_column(tmp_path: Path) -> None:
    table = tmp_path / "rec.tsv"
    table.write_text("recording\tc1\tc2\tsplit\tkind\tannotations\tfps\n")
    run = snakemake(tmp_path, "-n", "--config", f"recordings={table}")
    assert run.returncode != 0
    assert f"{table}: unknown column(s) fps" in run.stdout + run.stderr


def test_missing_recordings_table_names_itself(tmp_path: Path) -> None:
    run = snakemake(tmp_path, "-n", "--config", f"recordings={tmp_path / 'none.tsv'}")
    assert run.returncode != 0
    assert f"{tmp_path / 'none.tsv'}: recordings table not found" in run.stdout + run.stderr
