"""Guided timed holds: plans from content laid out in time, run as one live, edited message."""
