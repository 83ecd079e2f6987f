"""`python -m cjtool`: the same command line as `cjtool`."""

from cjtool.cli.app import main

if __name__ == "__main__":
    main()
