# F2F denoising (Ehret et al. 2019): one DnCNN per dataset, trained frame-to-frame on the noisy
# C1 frames of all its recordings, then applied per recording -> denoise.zarr (D, N = C1 - D).
# Vident-real recordings (RAW Bayer) are denoised in the RAW domain (D, N as mosaics, plus RGB).


rule denoise_train:
    input:
        lambda wc: [recording_path(rec, "c1") for rec in dataset_recordings(wc.dataset)],
    output:
        f"{RESULTS}/{{dataset}}/models/denoise.pt",
    params:
        raw=raw_option,
        flow=config["denoise"]["flow"],
        flow_weights=config["denoise"]["flow_weights"],
        init=config["denoise"]["init"],
        features=config["denoise"]["features"],
        depth=config["denoise"]["depth"],
        iterations=config["denoise"]["iterations"],
        batch=config["denoise"]["batch"],
        crop=config["denoise"]["crop"],
        lr=config["denoise"]["lr"],
        flow_blur=config["denoise"]["flow_blur"],
        seed=config["seed"],
        device=config["device"],
    log:
        f"{LOGS}/denoise/{{dataset}}.train.log",
    benchmark:
        f"{BENCH}/denoise/{{dataset}}.train.tsv"
    threads: 1
    resources:
        mem_mb=6000,
        gpu=1,
    conda:
        PIPELINE_ENV
    shell:
        "vident denoise {params.raw} --c1 {input} --model {output}"
        " --flow {params.flow} --flow-weights {params.flow_weights} --init {params.init}"
        " --features {params.features} --depth {params.depth} --iterations {params.iterations}"
        " --batch {params.batch} --crop {params.crop} --lr {params.lr}"
        " --flow-blur {params.flow_blur} --seed {params.seed} --device {params.device}"
        " > {log} 2>&1"


rule denoise:
    input:
        c1=lambda wc: recording_path(wc.rec, "c1"),
        model=f"{RESULTS}/{{dataset}}/models/denoise.pt",
    output:
        directory(f"{RESULTS}/{{dataset}}/{{rec}}/denoise.zarr"),
    params:
        raw=raw_option,
        device=config["device"],
    log:
        f"{LOGS}/denoise/{{dataset}}/{{rec}}.log",
    benchmark:
        f"{BENCH}/denoise/{{dataset}}/{{rec}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident denoise {params.raw} --c1 {input.c1} --out {output} --init {input.model}"
        " --iterations 0 --device {params.device} > {log} 2>&1"
