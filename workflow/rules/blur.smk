# Blur synthesis (design §4, §5.3.1): interpolate the denoised frames D x factor along optical
# flow, average `window` interpolated frames around each frame, add the noise map N -> B.
# One job per phantom recording; reads the denoise stage's store, writes blur.zarr (B, S).


rule blur:
    input:
        f"{RESULTS}/vident-lab/{{rec}}/denoise.zarr",
    output:
        directory(f"{RESULTS}/vident-lab/{{rec}}/blur.zarr"),
    params:
        factor=config["blur"]["factor"],
        window=config["blur"]["window"],
        flow=config["blur"]["flow"],
        weights=config["blur"]["flow_weights"],
        updates=config["blur"]["num_flow_updates"],
        preset=config["blur"]["dis_preset"],
        device=config["device"],
        seed=config["seed"],
    log:
        f"{LOGS}/blur/{{rec}}.log",
    benchmark:
        f"{BENCH}/blur/{{rec}}.tsv"
    threads: config["blur"]["threads"]
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident blur --denoised {input} --out {output} --factor {params.factor}"
        " --window {params.window} --flow {params.flow} --flow-weights {params.weights}"
        " --num-flow-updates {params.updates} --dis-preset {params.preset}"
        " --device {params.device} --seed {params.seed} --threads {threads} > {log} 2>&1"
