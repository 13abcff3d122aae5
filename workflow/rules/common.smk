# Helpers shared by every rule: config and recordings.tsv validation, path builders, targets.
from pathlib import Path

from snakemake.utils import validate

from vident.recordings import load_recordings


validate(config, schema="../schemas/config.schema.yaml")

RESULTS = config["results"]
SAMPLE = config["sample"]["out"]
LOGS = f"{RESULTS}/logs"
BENCH = f"{RESULTS}/benchmarks"
PIPELINE_ENV = "../../envs/pipeline.yaml"
TRAIN_ENV = "../../envs/train.yaml"


wildcard_constraints:
    rec=r"[A-Za-z0-9][A-Za-z0-9_.-]*",


def recordings():
    """The validated recordings table; waits for the `sample` checkpoint when it is the sample's."""
    table = Path(config["recordings"])
    if table.resolve() == (Path(SAMPLE) / "recordings.tsv").resolve():
        checkpoints.sample.get()
    return load_recordings(table, workflow.source_path("../schemas/recordings.schema.yaml"))


def recording_path(rec, column):
    """Absolute path of one recording's c1/c2/annotations entry."""
    return recordings().loc[rec, column]


def all_targets(wildcards):
    """What `snakemake` builds by default."""
    recordings()
    return [config["recordings"]]
