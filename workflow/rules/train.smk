# Training (design §6): one job per dataset x model x balancer, and the Neural Scale Search
# schedule (pretrain -> search -> derive -> retrain) for the model NSS_MODEL. Each run's config
# is the benchmark's base config with the run's store, model and balancer put in (kept beside
# the model). Only model.pt is declared: the resumable checkpoints in ckpt/ beside it survive a
# failed or killed job, and the rerun continues from them (--resume).


rule train_config:
    input:
        run_base_config,
    output:
        f"{RESULTS}/models/{{dataset}}/{{model}}/{{balancer}}/train.yaml",
    params:
        store=f"{RESULTS}/{{dataset}}.zarr",
        model=run_model_option,
    log:
        f"{LOGS}/train/{{dataset}}/{{model}}/{{balancer}}.config.log",
    conda:
        TRAIN_ENV
    shell:
        "vident bench config {input} --out {output} --store {params.store} {params.model}"
        " --balancer {wildcards.balancer} > {log} 2>&1"


rule train:
    input:
        card=f"{RESULTS}/{{dataset}}.card.md",
        config=f"{RESULTS}/models/{{dataset}}/{{model}}/{{balancer}}/train.yaml",
    output:
        f"{RESULTS}/models/{{dataset}}/{{model}}/{{balancer}}/model.pt",
    wildcard_constraints:
        model=f"(?!{re.escape(NSS_MODEL)}/)[^/]+",
    params:
        out=lambda wildcards, output: Path(output[0]).parent,
    log:
        f"{LOGS}/train/{{dataset}}/{{model}}/{{balancer}}.log",
    benchmark:
        f"{BENCH}/train/{{dataset}}/{{model}}/{{balancer}}.tsv"
    threads: 4
    resources:
        gpu=1,
        mem_mb=16000,
    conda:
        TRAIN_ENV
    shell:
        "vident train {input.config} --out {params.out} --resume > {log} 2>&1"


rule nss:
    input:
        card=f"{RESULTS}/{{dataset}}.card.md",
        config=f"{RESULTS}/models/{{dataset}}/{NSS_MODEL}/{{balancer}}/train.yaml",
    output:
        model=f"{RESULTS}/models/{{dataset}}/{NSS_MODEL}/{{balancer}}/model.pt",
        structure=f"{RESULTS}/models/{{dataset}}/{NSS_MODEL}/{{balancer}}/nss/structure.json",
    params:
        out=lambda wildcards, output: Path(output.model).parent,
    log:
        f"{LOGS}/train/{{dataset}}/{NSS_MODEL}/{{balancer}}.log",
    benchmark:
        f"{BENCH}/train/{{dataset}}/{NSS_MODEL}/{{balancer}}.tsv"
    threads: 4
    resources:
        gpu=1,
        mem_mb=16000,
    conda:
        TRAIN_ENV
    shell:
        "vident train {input.config} --out {params.out} --resume > {log} 2>&1"
