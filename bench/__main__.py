"""python -m bench NAME|all [--scale S] [--quick] [--preload N]"""

from __future__ import annotations

import argparse
import importlib
import sys

from bench import harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", help=f"one of {', '.join(harness.available())}, or all")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the benchmark's size")
    parser.add_argument("--quick", action="store_true", help="a tiny size, to check the benchmark still runs")
    parser.add_argument(
        "--preload",
        type=int,
        default=None,
        help="first fill the bench database with N units of history (bench/preload.py)",
    )
    args = parser.parse_args(argv)
    names = harness.available() if args.name == "all" else [args.name]
    unknown = [n for n in names if n not in harness.available()]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; available: {', '.join(harness.available())}")
    needs_db = any(getattr(importlib.import_module(f"bench.{n}"), "NEEDS_DB", False) for n in names)
    harness.setup_django(needs_db=needs_db)
    held = harness.preload(args.preload) if args.preload is not None else None
    records = []
    for name in names:
        print(f"running {name} (scale {args.scale}{', quick' if args.quick else ''}) …", flush=True)
        records.append(harness.run_one(name, scale=args.scale, quick=args.quick, preload=held))
    harness.print_table(records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
