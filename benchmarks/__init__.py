"""Reproducible speed comparisons: ``python -m benchmarks`` runs every module's ``main()``.

Each module prints its own figures, as ratios against a reference implementation (PyTorch,
micrograd) when that is installed and a skip message when it is not. Timings use
`time.perf_counter`, a warm-up run and the median of several repeats (`timing.median_time`).
"""
