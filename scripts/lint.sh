#!/usr/bin/env bash
# One lint entry point: ruff (lint + format check), mypy, pytest with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check cjtool tests benchmarks examples
ruff format --check cjtool tests
mypy cjtool
python -m pytest -q
