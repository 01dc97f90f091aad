"""Adapters translate platform events into core events and core replies into platform messages."""
