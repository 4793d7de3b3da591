"""Benchmarks and the bulk data they need; scripts here print figures, they are not tests."""
