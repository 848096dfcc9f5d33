"""Benchmarks: synthetic corpus generator, speed against baselines, ranking quality on IR collections."""
