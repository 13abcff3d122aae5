# Benchmark (design §6): every model x balancer listed under `bench:` in the config is trained
# (train.smk), evaluated per scale on the benchmark split, and joined with the input baseline into
# results/bench/<dataset>.{parquet,md} and plots (report.smk). Run: snakemake bench --cores 8


rule evaluate:
    input:
        model=f"{RESULTS}/models/{{dataset}}/{{model}}/{{balancer}}/model.pt",
    output:
        f"{RESULTS}/bench/{{dataset}}/{{model}}/{{balancer}}.parquet",
    params:
        store=f"{RESULTS}/{{dataset}}.zarr",
        split=config["bench"]["split"],
        device=config["device"],
        cost=BENCH_COST,
    log:
        f"{LOGS}/bench/{{dataset}}/{{model}}/{{balancer}}.log",
    benchmark:
        f"{BENCH}/bench/{{dataset}}/{{model}}/{{balancer}}.tsv"
    threads: 4
    resources:
        gpu=1,
    conda:
        TRAIN_ENV
    shell:
        "vident bench evaluate --model {input.model} --store {params.store}"
        " --split {params.split} --name {wildcards.model} --dataset {wildcards.dataset}"
        " --device {params.device} {params.cost} --out {output} > {log} 2>&1"


rule evaluate_baseline:
    input:
        card=f"{RESULTS}/{{dataset}}.card.md",
    output:
        f"{RESULTS}/bench/{{dataset}}/baseline.parquet",
    params:
        store=f"{RESULTS}/{{dataset}}.zarr",
        split=config["bench"]["split"],
    log:
        f"{LOGS}/bench/{{dataset}}/baseline.log",
    benchmark:
        f"{BENCH}/bench/{{dataset}}/baseline.tsv"
    threads: 1
    conda:
        TRAIN_ENV
    shell:
        "vident bench evaluate --baseline --store {params.store} --split {params.split}"
        " --dataset {wildcards.dataset} --device cpu --out {output} > {log} 2>&1"


rule bench:
    input:
        bench_targets(),
