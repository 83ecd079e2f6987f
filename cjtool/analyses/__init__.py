"""Analyses over the journeys step (``cjtool.journeys``): each reads ``Journeys`` and
returns a plain result object that the renderers turn into tables, JSON and pictures."""
