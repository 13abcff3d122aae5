"""Report figures and tables for `snakemake --report`: example frames of a dataset (Fig. 6.11)
and per-stage runtimes from the workflow's benchmark files."""
