"""The command line: one thin module per command (`*_cmd.py`), registered in `app.py`."""

import os

# polars allocates through jemalloc, which by polars' default keeps freed pages 0.5 s
# (dirty) and 1 s more (muzzy) before it hands them back: a map's short-lived arrays then
# add up in its peak memory. Back after 50 ms, the peak of a 10M-event map fell by about
# a tenth at no cost in time (docs/performance.md). polars appends this variable to its
# defaults when it loads, so it is set here, before any command imports polars; a user's
# own setting stands.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:50,muzzy_decay_ms:0")
