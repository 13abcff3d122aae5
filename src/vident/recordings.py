"""Load and check recordings.tsv: the table that says which recordings make the datasets."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pandas as pd
import yaml

from vident.errors import VidentError

PATH_COLUMNS = ("c1", "c2", "annotations")


def load_recordings(table: str | Path, schema: str | Path) -> pd.DataFrame:
    """Read ``table``, validate every row against the JSON ``schema`` and check the files exist.

    Returns the table indexed by recording name, with c1/c2/annotations resolved to absolute
    paths (relative entries are taken from the table's folder; an empty c2 stays empty).
    """
    table = Path(table)
    if not table.is_file():
        raise VidentError("recordings table not found", table)
    try:
        df = pd.read_csv(table, sep="\t", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise VidentError(f"not a readable tab-separated table ({err})", table) from None
    rules = yaml.safe_load(Path(schema).read_text())
    unknown = sorted(set(df.columns) - set(rules["properties"]))
    if unknown:
        known = ", ".join(rules["properties"])
        raise VidentError(f"unknown column(s) {', '.join(unknown)}; expected: {known}", table)
    if df.empty:
        raise VidentError("no recordings listed", table)
    validator = jsonschema.Draft202012Validator(rules)
    for i, row in enumerate(df.to_dict("records"), start=2):  # line 1 is the header
        error = jsonschema.exceptions.best_match(validator.iter_errors(row))
        if error is not None:
            where = ".".join(str(p) for p in error.path) or "row"
            raise VidentError(f"line {i} ({row.get('recording', '?')}): {where}: {error.message}",
                              table)
    duplicated = df["recording"][df["recording"].duplicated()].tolist()
    if duplicated:
        raise VidentError(f"recording name(s) listed twice: {', '.join(duplicated)}", table)
    base = table.parent.resolve()
    for column in PATH_COLUMNS:
        df[column] = [str(base / p) if p else "" for p in df[column]]
    for i, row in enumerate(df.to_dict("records"), start=2):
        for column in PATH_COLUMNS:
            if row[column] and not Path(row[column]).exists():
                raise VidentError(
                    f"line {i} ({row['recording']}): {column} path {row[column]} does not exist",
                    table,
                )
    return df.set_index("recording", drop=False)
