# The benchmark's tables and plots, marked for `snakemake bench --report report.html`
# (category "Benchmark").


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
