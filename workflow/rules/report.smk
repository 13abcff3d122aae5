# Report items: example frames of every dataset split (category "Datasets", beside the card),
# per-stage runtimes (category "Runtime"), and the benchmark's tables and plots (category
# "Benchmark", `snakemake bench --report report.html`).


# The report rules have no `benchmark:` so that the runtime table covers exactly the jobs that
# built the datasets (their cards are its inputs), whatever order the report jobs run in.
rule report_frames:
    input:
        f"{RESULTS}/{{dataset}}.card.md",
    output:
        report(
            f"{RESULTS}/report/{{dataset}}/frames/{{split}}.png",
            caption="../report/frames.rst",
            category="Datasets",
            labels={"dataset": "{dataset}", "figure": "frames ({split})"},
        ),
    params:
        store=f"{RESULTS}/{{dataset}}.zarr",
        frames=3,
    wildcard_constraints:
        split="train|val|test",
    log:
        f"{LOGS}/report/{{dataset}}/frames-{{split}}.log",
    threads: 1
    conda:
        PIPELINE_ENV
    shell:
        "vident report frames --store {params.store} --split {wildcards.split}"
        " --frames {params.frames} --out {output} > {log} 2>&1"


rule report_runtimes:
    input:
        lambda wildcards: dataset_cards(),
    output:
        markdown=report(
            f"{RESULTS}/report/runtimes.md",
            caption="../report/runtimes.rst",
            category="Runtime",
            labels={"figure": "table"},
        ),
        plot=report(
            f"{RESULTS}/report/runtimes.svg",
            caption="../report/runtimes.rst",
            category="Runtime",
            labels={"figure": "bar chart"},
        ),
    params:
        benchmarks=BENCH,
    log:
        f"{LOGS}/report/runtimes.log",
    threads: 1
    conda:
        PIPELINE_ENV
    shell:
        "vident report runtimes --benchmarks {params.benchmarks} --markdown {output.markdown}"
        " --plot {output.plot} > {log} 2>&1"


rule bench_table:
    input:
        bench_rows,
    output:
        table=f"{RESULTS}/bench/{{dataset}}.parquet",
        markdown=report(
            f"{RESULTS}/bench/{{dataset}}.md",
            caption="../report/bench_table.rst",
            category="Benchmark",
            labels={"dataset": "{dataset}", "figure": "tables"},
        ),
        accuracy_fps=report(
            f"{RESULTS}/bench/{{dataset}}/plots/accuracy_fps.svg",
            caption="../report/bench_accuracy_fps.rst",
            category="Benchmark",
            labels={"dataset": "{dataset}", "figure": "accuracy vs FPS"},
        ),
        scales=report(
            f"{RESULTS}/bench/{{dataset}}/plots/scales.svg",
            caption="../report/bench_scales.rst",
            category="Benchmark",
            labels={"dataset": "{dataset}", "figure": "per scale"},
        ),
        balancers=report(
            f"{RESULTS}/bench/{{dataset}}/plots/balancers.svg",
            caption="../report/bench_balancers.rst",
            category="Benchmark",
            labels={"dataset": "{dataset}", "figure": "per balancer"},
        ),
    params:
        plots=lambda wildcards, output: Path(output.scales).parent,
        balancer=config["bench"]["balancers"][0],
    log:
        f"{LOGS}/bench/{{dataset}}.log",
    benchmark:
        f"{BENCH}/bench/{{dataset}}.tsv"
    threads: 1
    conda:
        TRAIN_ENV
    shell:
        "vident bench table --inputs {input} --dataset {wildcards.dataset}"
        " --out {output.table} --markdown {output.markdown} --plots {params.plots}"
        " --balancer {params.balancer} > {log} 2>&1"
