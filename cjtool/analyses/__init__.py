"""Analyses over the journeys (cjtool.journeys): each is a small module of polars
aggregations returning a plain result object that cjtool.render turns into output."""
