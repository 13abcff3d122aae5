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
include: "workflow/rules/denoise.smk"
include: "workflow/rules/blur.smk"
include: "workflow/rules/colour.smk"
include: "workflow/rules/real.smk"
include: "workflow/rules/masks.smk"
include: "workflow/rules/motion.smk"
include: "workflow/rules/assemble.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/bench.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        all_targets,
    default_target: True
