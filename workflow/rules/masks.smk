# Teeth masks M (design §4, §5.3.1): one HRNet segmenter per dataset, fine-tuned on every
# human-annotated frame of that dataset's recordings, then applied to each recording's R.

rule masks_train:
    input:
        stores=lambda wc: [r_store(wc.dataset, rec) for rec in dataset_recordings(wc.dataset)],
        annotations=lambda wc: [recording_path(rec, "annotations") for rec in dataset_recordings(wc.dataset)],
    output:
        f"{RESULTS}/{{dataset}}/models/masks.pt",
    params:
        recordings=masks_train_recordings,
        splits=" ".join(config["masks"]["annotated_splits"]),
        backbone=config["masks"]["backbone"],
        head=config["masks"]["head_channels"],
        pretrained="--pretrained" if config["masks"]["pretrained"] else "",
        steps=config["masks"]["steps"],
        batch=config["masks"]["batch"],
        crop=config["masks"]["crop"],
        lr=config["masks"]["lr"],
        seed=config["seed"],
        device=config["device"],
    log:
        f"{LOGS}/masks/{{dataset}}.train.log",
    benchmark:
        f"{BENCH}/masks/{{dataset}}.train.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        gpu=1,
    conda:
        PIPELINE_ENV
    shell:
        "vident masks train {output} {params.recordings} --annotated-splits {params.splits}"
        " --backbone {params.backbone} --head-channels {params.head} {params.pretrained}"
        " --steps {params.steps} --batch {params.batch} --crop {params.crop} --lr {params.lr}"
        " --seed {params.seed} --device {params.device} > {log} 2>&1"


rule masks_apply:
    input:
        r=lambda wc: r_store(wc.dataset, wc.rec),
        model=f"{RESULTS}/{{dataset}}/models/masks.pt",
        annotations=lambda wc: recording_path(wc.rec, "annotations"),
    output:
        directory(f"{RESULTS}/{{dataset}}/{{rec}}/masks.zarr"),
    params:
        smooth=config["masks"]["smooth"],
        flow=config["masks"]["smooth_flow"],
        device=config["device"],
    log:
        f"{LOGS}/masks/{{dataset}}/{{rec}}.log",
    benchmark:
        f"{BENCH}/masks/{{dataset}}/{{rec}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident masks apply {output} --r-store {input.r} --model {input.model}"
        " --annotations {input.annotations} --smooth {params.smooth} --flow {params.flow}"
        " --device {params.device} > {log} 2>&1"
