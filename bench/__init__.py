"""Greenlight's benchmarks: `make bench` (python -m bench) measures the figures of issue 5."""
