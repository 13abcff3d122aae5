# Vident-real branch (design §4, §6.3.1, Fig. 6.4): RAW-domain F2F (denoise.smk with --raw),
# then Restore-from-Restored sharpening of the demosaicked denoised frames; colour.smk applies
# the colour function learnt on the phantom recordings to the result.


rule sharpen:
    input:
        f"{RESULTS}/vident-real/{{rec}}/denoise.zarr",
    output:
        frames=directory(f"{RESULTS}/vident-real/{{rec}}/sharpen.zarr"),
        model=f"{RESULTS}/vident-real/models/sharpen/{{rec}}.pt",
    params:
        iters=config["real"]["iters"],
        radius=config["real"]["max_radius"],
        noise=config["real"]["noise"],
        crop=config["real"]["crop"],
        batch=config["real"]["batch"],
        lr=config["real"]["lr"],
        seed=config["seed"],
        device=config["device"],
    log:
        f"{LOGS}/sharpen/{{rec}}.log",
    benchmark:
        f"{BENCH}/sharpen/{{rec}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident sharpen --frames {input} --array RGB --out {output.frames}"
        " --model {output.model} --iters {params.iters} --max-radius {params.radius}"
        " --noise {params.noise} --crop {params.crop} --batch {params.batch} --lr {params.lr}"
        " --seed {params.seed} --device {params.device} > {log} 2>&1"
