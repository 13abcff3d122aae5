# Helpers shared by every rule: config and recordings.tsv validation, path builders, targets.
import hashlib
import json
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
# Which dataset a recording's kind feeds (design §4).
DATASETS = {"phantom": "vident-lab", "real": "vident-real"}
# Provenance of a dataset: the settings that shape its bytes (paths excluded, so moving the data
# or the results does not change it).
CONFIG_SHA256 = hashlib.sha256(
    json.dumps({k: v for k, v in config.items() if k not in ("recordings", "results")},
               sort_keys=True).encode()
).hexdigest()


wildcard_constraints:
    rec=r"[A-Za-z0-9][A-Za-z0-9_.-]*",
    dataset="|".join(DATASETS.values()),
    model=r"[^/]+",
    balancer=r"[a-z0-9]+",


_TABLE = {}


def recordings():
    """The validated recordings table; waits for the `sample` checkpoint when it is the sample's."""
    table = Path(config["recordings"])
    if table.resolve() == (Path(SAMPLE) / "recordings.tsv").resolve():
        checkpoints.sample.get()
    key = (str(table), table.stat().st_mtime_ns) if table.exists() else None
    if key not in _TABLE:
        schema = workflow.source_path("../schemas/recordings.schema.yaml")
        _TABLE[key] = load_recordings(table, schema)
    return _TABLE[key]


def recording_path(rec, column):
    """Absolute path of one recording's c1/c2/annotations entry."""
    return recordings().loc[rec, column]


def dataset_recordings(dataset):
    """Names of the recordings that make up ``dataset``."""
    table = recordings()
    return list(table.index[table["kind"].map(DATASETS) == dataset])


def truth_store(wildcards):
    """The recording's ground truth (``<recording folder>/truth/truth.zarr``) when it has one."""
    truth = Path(recording_path(wildcards.rec, "c1")).parent / "truth" / "truth.zarr"
    return [str(truth)] if truth.is_dir() else []


def assemble_inputs(wildcards):
    """Input frames B: the blur stage's store (phantom) or the captured C1 frames (real)."""
    if wildcards.dataset == "vident-lab":
        return f"{RESULTS}/vident-lab/{wildcards.rec}/blur.zarr"
    return recording_path(wildcards.rec, "c1")


def raw_option(wildcards):
    """`--raw` for the Vident-real branch, whose C1 frames are RAW Bayer mosaics."""
    return "--raw" if wildcards.dataset == "vident-real" else ""


def colour_frames(wildcards):
    """Frames the colour function maps: F2F output (phantom) or RfromR-sharpened (real)."""
    stage = "denoise" if wildcards.dataset == "vident-lab" else "sharpen"
    return f"{RESULTS}/{wildcards.dataset}/{wildcards.rec}/{stage}.zarr"


def r_store(dataset, rec):
    """The store holding a recording's restored frames R (the colour stage's output)."""
    return f"{RESULTS}/{dataset}/{rec}/colour.zarr"


def masks_train_recordings(wildcards):
    """`--recording STORE ANNOTATIONS SPLIT` arguments for every recording of the dataset."""
    table = recordings()
    return " ".join(
        f"--recording {r_store(wildcards.dataset, rec)} {table.loc[rec, 'annotations']}"
        f" {table.loc[rec, 'split']}"
        for rec in dataset_recordings(wildcards.dataset)
    )


def motion_flow_weights(wildcards):
    """The fine-tuned RAFT checkpoint when the motion flow backend is RAFT; DIS needs none."""
    if config["motion"]["flow"].startswith("raft"):
        return [f"{RESULTS}/{wildcards.dataset}/models/raft.pt"]
    return []


def finetune_options(wildcards):
    """Command-line options of `vident motion finetune` from config `motion.finetune`."""
    ft = config["motion"]["finetune"]
    flags = ["--pretrained"] if ft["pretrained"] else []
    return " ".join(flags + [f"--{k.replace('_', '-')} {v}" for k, v in ft.items()
                             if k != "pretrained"])


def stage_array(path, array):
    """``STORE.zarr:ARRAY`` for a stage store, the path itself for a video or frame folder."""
    return f"{path}:{array}" if str(path).endswith(".zarr") else str(path)


def dataset_cards():
    """The card (written last) of every dataset that has recordings."""
    kinds = set(recordings()["kind"])
    return [f"{RESULTS}/{DATASETS[kind]}.card.md" for kind in sorted(kinds)]


def report_targets():
    """The report's items (report.smk): example frames of every dataset split, and runtimes."""
    table = recordings()
    frames = [
        f"{RESULTS}/report/{DATASETS[kind]}/frames/{split}.png"
        for kind, split in sorted(set(zip(table["kind"], table["split"])))
    ]
    return frames + [f"{RESULTS}/report/runtimes.md", f"{RESULTS}/report/runtimes.svg"]


def all_targets(wildcards):
    """What `snakemake` builds by default: every dataset that has recordings, with its card, and
    the report's figures and tables."""
    return dataset_cards() + report_targets()


# Training and benchmark runs (train.smk, bench.smk, report.smk).
# The NSS-searched network: MOST-NET++ pruned to the scales-to-tasks structure that NSS finds on
# this dataset (the registered `most-nss++` is the structure the dissertation found).
NSS_MODEL = "most-nss++-search"
BENCH_PLOTS = ("accuracy_fps.svg", "scales.svg", "balancers.svg")
BENCH_COST = (
    f"--size {' '.join(map(str, config['bench']['size']))}"
    f" --fps-size {' '.join(map(str, config['bench']['fps_size']))}"
    f" --warmup {config['bench']['warmup']} --fps-iters {config['bench']['fps_iters']}"
)


def run_base_config(wildcards):
    """The base training config of a run: the NSS one for the searched model."""
    key = "nss_config" if wildcards.model == NSS_MODEL else "train_config"
    return config["bench"][key]


def run_model_option(wildcards):
    """``--model NAME`` for registered models; the NSS run keeps its base config's model."""
    return "" if wildcards.model == NSS_MODEL else f"--model {wildcards.model}"


def bench_runs():
    """(model, balancer) pairs of the benchmark: every model with every balancer, and each
    single-task baseline once, with the first balancer (which for one task is a plain loss)."""
    b = config["bench"]
    runs = [(m, bal) for m in b["models"] for bal in b["balancers"]]
    return runs + [(m, b["balancers"][0]) for m in b.get("baselines", [])]


def bench_rows(wildcards):
    """The evaluated rows the benchmark tables of ``wildcards.dataset`` join."""
    runs = [f"{RESULTS}/bench/{wildcards.dataset}/{m}/{bal}.parquet" for m, bal in bench_runs()]
    return [f"{RESULTS}/bench/{wildcards.dataset}/baseline.parquet", *runs]


def bench_targets():
    """What `snakemake bench` builds: the benchmark dataset's tables and plots."""
    dataset = config["bench"]["dataset"]
    return [
        f"{RESULTS}/bench/{dataset}.parquet",
        f"{RESULTS}/bench/{dataset}.md",
        *(f"{RESULTS}/bench/{dataset}/plots/{name}" for name in BENCH_PLOTS),
    ]
