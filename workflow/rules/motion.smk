# Homographies H (design §4, §5.3.1, §6.3.1): RAFT fine-tuned once per dataset on synthetic pairs
# made from its frames, then per recording flow R_{t-1} -> R_t masked by M and a RANSAC
# partial-affine fit.

rule motion_finetune:
    input:
        stores=lambda wc: [r_store(wc.dataset, rec) for rec in dataset_recordings(wc.dataset)],
    output:
        f"{RESULTS}/{{dataset}}/models/raft.pt",
    params:
        stores=lambda wc, input: " ".join(f"--r-store {s}" for s in input.stores),
        arch=config["motion"]["flow"] if config["motion"]["flow"].startswith("raft") else "raft_small",
        options=finetune_options,
        seed=config["seed"],
        device=config["device"],
    log:
        f"{LOGS}/motion/{{dataset}}.finetune.log",
    benchmark:
        f"{BENCH}/motion/{{dataset}}.finetune.tsv"
    threads: 1
    resources:
        mem_mb=6000,
        gpu=1,
    conda:
        PIPELINE_ENV
    shell:
        "vident motion finetune {output} {params.stores} --arch {params.arch}"
        " {params.options} --seed {params.seed} --device {params.device} > {log} 2>&1"


rule motion_fit:
    input:
        r=lambda wc: r_store(wc.dataset, wc.rec),
        masks=f"{RESULTS}/{{dataset}}/{{rec}}/masks.zarr",
        weights=motion_flow_weights,
    output:
        directory(f"{RESULTS}/{{dataset}}/{{rec}}/motion.zarr"),
    params:
        flow=config["motion"]["flow"],
        weights=lambda wc, input: f"--flow-weights {input.weights[0]}" if input.weights else "",
        updates=config["motion"]["flow_updates"],
        threshold=config["motion"]["threshold"],
        min_inliers=config["motion"]["min_inliers"],
        fallback=config["motion"]["fallback"],
        stride=config["motion"]["stride"],
        occlusion="" if config["motion"]["occlusion"] else "--no-occlusion",
        device=config["device"],
    log:
        f"{LOGS}/motion/{{dataset}}/{{rec}}.log",
    benchmark:
        f"{BENCH}/motion/{{dataset}}/{{rec}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident motion fit {output} --r-store {input.r} --masks {input.masks}"
        " --flow {params.flow} {params.weights} --flow-updates {params.updates}"
        " --threshold {params.threshold} --min-inliers {params.min_inliers}"
        " --fallback {params.fallback} --stride {params.stride} {params.occlusion}"
        " --device {params.device} > {log} 2>&1"
