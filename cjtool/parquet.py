"""Parquet bytes of a table: the machine format `cjtool customers -f parquet` writes and the
Spark engine writes per partition. Plain data (no words, no formatting), so the engine
need not import a renderer.
"""

from __future__ import annotations

import io

import polars as pl


def to_parquet(table: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    table.with_columns(pl.col(pl.Enum).cast(pl.String)).write_parquet(buf, compression="zstd", statistics=False)
    return buf.getvalue()
