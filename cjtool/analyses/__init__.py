"""Analyses over the journeys step (cjtool.journeys): each a plain result object."""
