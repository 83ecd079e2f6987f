"""Customer value as JSON (``cjtool.value/1``) and one row per customer as CSV or Parquet
(the customer table's writers: formula cells neutralised, an optional BOM)."""

from __future__ import annotations

import json

from cjtool import parquet
from cjtool.analyses.value import CUSTOMER_COLUMNS, ValueResult
from cjtool.render import customers_out


def to_json(result: ValueResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def to_csv(result: ValueResult, *, sanitize: bool = True, bom: bool = False) -> str:
    return customers_out.to_csv(result.customers.select(CUSTOMER_COLUMNS), sanitize=sanitize, bom=bom)


def to_parquet(result: ValueResult) -> bytes:
    return parquet.to_parquet(result.customers.select(CUSTOMER_COLUMNS))
