# F2F denoising (Ehret et al. 2019): one denoiser trained per recording on its own noisy C1
# frames; writes the checkpoint and denoise.zarr (D, N = C1 - D). RAW Bayer (Vident-real)
# recordings are denoised in the RAW domain (D, N as mosaics, plus RGB = demosaicked D).


rule denoise:
    input:
        c1=lambda wc: recording_path(wc.rec, "c1"),
    output:
        model=f"{RESULTS}/{{dataset}}/{{rec}}/denoise.pt",
        store=directory(f"{RESULTS}/{{dataset}}/{{rec}}/denoise.zarr"),
    params:
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
        raw=lambda wc: "--raw" if wc.dataset == "vident-real" else "",
        seed=config["seed"],
        device=config["device"],
    log:
        f"{LOGS}/denoise/{{dataset}}/{{rec}}.log",
    benchmark:
        f"{BENCH}/denoise/{{dataset}}/{{rec}}.tsv"
    threads: 2
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident denoise {params.raw} --c1 {input.c1} --out {output.store} --model {output.model}"
        " --flow {params.flow} --flow-weights {params.flow_weights} --init {params.init}"
        " --features {params.features} --depth {params.depth} --iterations {params.iterations}"
        " --batch {params.batch} --crop {params.crop} --lr {params.lr} --flow-blur {params.flow_blur}"
        " --seed {params.seed} --device {params.device} > {log} 2>&1"
