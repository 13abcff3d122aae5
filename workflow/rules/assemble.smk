# Dataset assembly (design §4-§5): one video group per recording (its summary JSON, written
# last, marks it complete), then the root attributes, a whole-store validation and the card.


rule assemble_video:
    input:
        inputs=assemble_inputs,
        labels=f"{RESULTS}/{{dataset}}/{{rec}}/colour.zarr",
        masks=f"{RESULTS}/{{dataset}}/{{rec}}/masks.zarr",
        motion=f"{RESULTS}/{{dataset}}/{{rec}}/motion.zarr",
        truth=truth_store,
    output:
        f"{RESULTS}/{{dataset}}.parts/{{rec}}.json",
    params:
        store=f"{RESULTS}/{{dataset}}.zarr",
        split=lambda wc: recordings().loc[wc.rec, "split"],
        kind=lambda wc: recordings().loc[wc.rec, "kind"],
        inputs=lambda wc, input: stage_array(input.inputs, "B"),
        truth=lambda wc, input: f"--truth {input.truth}" if input.truth else "",
        fps=config["assemble"]["fps"],
    log:
        f"{LOGS}/assemble/{{dataset}}/{{rec}}.log",
    benchmark:
        f"{BENCH}/assemble/{{dataset}}/{{rec}}.tsv"
    threads: 1
    conda:
        PIPELINE_ENV
    shell:
        "vident assemble video --store {params.store} --split {params.split}"
        " --video {wildcards.rec} --kind {params.kind} --inputs {params.inputs}"
        " --labels {input.labels}:R --masks {input.masks} --motion {input.motion}"
        " {params.truth} --fps {params.fps} --summary {output} > {log} 2>&1"


rule assemble_dataset:
    input:
        summaries=lambda wc: [
            f"{RESULTS}/{wc.dataset}.parts/{rec}.json" for rec in dataset_recordings(wc.dataset)
        ],
    output:
        report(
            f"{RESULTS}/{{dataset}}.card.md",
            caption="../report/card.rst",
            category="Datasets",
            labels={"dataset": "{dataset}"},
        ),
    params:
        store=f"{RESULTS}/{{dataset}}.zarr",
        config_sha256=CONFIG_SHA256,
    log:
        f"{LOGS}/assemble/{{dataset}}.log",
    benchmark:
        f"{BENCH}/assemble/{{dataset}}.tsv"
    threads: 1
    conda:
        PIPELINE_ENV
    shell:
        "vident assemble dataset --store {params.store} --name {wildcards.dataset}"
        " --summaries {input.summaries} --config-sha256 {params.config_sha256} --card {output} > {log} 2>&1"
