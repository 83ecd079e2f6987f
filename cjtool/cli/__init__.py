"""The command line: one thin module per command (`*_cmd.py`), registered in `app.py`."""
