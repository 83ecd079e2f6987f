"""cjtool: customer-journey mapping from event exports."""

__version__ = "0.1.0"
