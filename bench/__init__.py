"""Tideline benchmarks (see ../shared/BENCH.md): `python -m bench NAME [--scale S] [--quick]`."""
