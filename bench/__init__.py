"""Benchmark harness: synthetic data generators and a URL timing runner.

Run `python -m bench.run --help` from the project root. See bench/README.md.
"""
