# Colour mapping (CM): one image-adaptive 3D-LUT network per dataset, trained on the (D,
# registered C2) pairs of every phantom recording, then applied per recording: R = CM(D).
# The checkpoint is self-contained, so the Vident-real branch applies it to its own frames.


rule colour_train:
    input:
        denoised=lambda wc: expand(
            f"{RESULTS}/vident-lab/{{rec}}/denoise.zarr",
            rec=dataset_recordings("vident-lab"),
        ),
        registration=lambda wc: expand(
            f"{RESULTS}/vident-lab/{{rec}}/register/registration.parquet",
            rec=dataset_recordings("vident-lab"),
        ),
    output:
        f"{RESULTS}/vident-lab/models/colour.pt",
    params:
        luts=config["colour"]["luts"],
        size=config["colour"]["size"],
        thumb=config["colour"]["thumb"],
        iterations=config["colour"]["iterations"],
        batch=config["colour"]["batch"],
        crop=config["colour"]["crop"],
        lr=config["colour"]["lr"],
        blur=config["colour"]["blur"],
        smooth=config["colour"]["smooth"],
        mono=config["colour"]["mono"],
        max_frames=config["colour"]["max_frames"],
        seed=config["seed"],
        device=config["device"],
    log:
        f"{LOGS}/colour/train.log",
    benchmark:
        f"{BENCH}/colour/train.tsv"
    threads: 1
    resources:
        mem_mb=4000,
    conda:
        PIPELINE_ENV
    shell:
        "vident colour train --denoised {input.denoised} --registration {input.registration}"
        " --out {output} --luts {params.luts} --size {params.size} --thumb {params.thumb}"
        " --iterations {params.iterations} --batch {params.batch} --crop {params.crop}"
        " --lr {params.lr} --blur {params.blur} --smooth {params.smooth} --mono {params.mono}"
        " --max-frames {params.max_frames} --seed {params.seed} --device {params.device}"
        " > {log} 2>&1"


rule colour_apply:
    input:
        model=f"{RESULTS}/vident-lab/models/colour.pt",
        frames=colour_frames,
    output:
        directory(f"{RESULTS}/{{dataset}}/{{rec}}/colour.zarr"),
    params:
        array=lambda wc: "D" if wc.dataset == "vident-lab" else "S",
        device=config["device"],
    log:
        f"{LOGS}/colour/{{dataset}}/{{rec}}.log",
    benchmark:
        f"{BENCH}/colour/{{dataset}}/{{rec}}.tsv"
    threads: 1
    resources:
        mem_mb=2000,
    conda:
        PIPELINE_ENV
    shell:
        "vident colour apply --model {input.model} --denoised {input.frames}"
        " --array {params.array} --out {output} --device {params.device} > {log} 2>&1"
