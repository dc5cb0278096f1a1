"""Benchmarks: synthetic sites in the content format, for timing build and check."""
