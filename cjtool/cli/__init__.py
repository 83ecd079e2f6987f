"""The command line: one thin module per command (`*_cmd.py`), registered in `app.py`."""

import os

# polars allocates through jemalloc, which keeps freed pages for 10 s before it hands
# them back: a map's short-lived arrays then add up in its peak memory. Back after 50 ms,
# the peak of a 10M-event map fell by a tenth at no cost in time (docs/performance.md).
# Read when polars loads, so set here, before any command imports it; a user's own
# setting stands.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:50,muzzy_decay_ms:0")
