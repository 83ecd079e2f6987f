"""Renderers: turn a JourneyMap into tables, JSON, CSV, Markdown and pictures.

Each renderer is a pure function of the result (and a stream or console passed in):
no computation of metrics happens here.
"""
