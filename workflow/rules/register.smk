# Registration (design §4): every synchronised C2 frame onto its C1 frame with elastix, and the
# C2 frames resampled into C1 geometry. The table is written last and marks the output complete
# (registered.zarr beside it is not declared: Snakemake would delete a directory() output).


rule register:
    input:
        c1=lambda wc: recording_path(wc.rec, "c1"),
        c2=lambda wc: recording_path(wc.rec, "c2"),
        sync=f"{RESULTS}/vident-lab/{{rec}}/sync.parquet",
    output:
        f"{RESULTS}/vident-lab/{{rec}}/register/registration.parquet",
    params:
        out=f"{RESULTS}/vident-lab/{{rec}}/register",
        rig=config["register"]["rig"],
        bspline="--bspline" if config["register"]["bspline"] else "",
        iterations=config["register"]["iterations"],
        seed=config["seed"],
    log:
        f"{LOGS}/register/{{rec}}.log",
    benchmark:
        f"{BENCH}/register/{{rec}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident register --c1 {input.c1} --c2 {input.c2} --sync {input.sync}"
        " --out {params.out} --rig {params.rig} {params.bspline}"
        " --iterations {params.iterations} --seed {params.seed} --threads {threads}"
        " > {log} 2>&1"
