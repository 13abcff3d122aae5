# Beam-splitter synchronisation (design §4): which C2 frame each C1 frame of a phantom recording
# shows, by banded DTW; one job per recording.


rule sync:
    input:
        c1=lambda wc: recording_path(wc.rec, "c1"),
        c2=lambda wc: recording_path(wc.rec, "c2"),
    output:
        f"{RESULTS}/vident-lab/{{rec}}/sync.parquet",
    params:
        window=config["sync"]["window"],
        width=config["sync"]["width"],
    log:
        f"{LOGS}/sync/{{rec}}.log",
    benchmark:
        f"{BENCH}/sync/{{rec}}.tsv"
    threads: 1
    resources:
        mem_mb=2000,
    conda:
        PIPELINE_ENV
    shell:
        "vident sync --c1 {input.c1} --c2 {input.c2} --out {output}"
        " --window {params.window} --width {params.width} > {log} 2>&1"
