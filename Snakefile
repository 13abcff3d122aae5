# vident: raw beam-splitter recordings -> Vident-lab / Vident-real Zarr datasets -> models.
# Reads like a table of contents; helpers live in workflow/rules/common.smk.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/sample.smk"
include: "workflow/rules/sync.smk"
include: "workflow/rules/register.smk"


rule all:
    input:
        all_targets,
    default_target: True
