# The embedded miniature sample: a synthetic beam-splitter recording set with exact ground truth.


checkpoint sample:
    output:
        f"{SAMPLE}/recordings.tsv",
    params:
        out=lambda wildcards, output: Path(output[0]).parent,
        seed=config["sample"]["seed"],
        videos=config["sample"]["videos"],
        frames=config["sample"]["frames"],
        height=config["sample"]["height"],
        width=config["sample"]["width"],
        real=config["sample"]["real"],
    log:
        f"{LOGS}/sample.log",
    benchmark:
        f"{BENCH}/sample.tsv"
    conda:
        PIPELINE_ENV
    shell:
        "vident sample {params.out} --seed {params.seed} --videos {params.videos}"
        " --frames {params.frames} --height {params.height} --width {params.width}"
        " --real {params.real} > {log} 2>&1"
