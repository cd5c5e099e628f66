"""Engines: how the pipeline's per-input work is spread over processes or machines."""
