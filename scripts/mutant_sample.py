#!/usr/bin/env python3
"""Print a seeded random sample of one module's mutmut mutants, for `make mutants MUTANTS=…`.

pledges/services.py has over 2,000 mutants: all of them take more than a working session on
this 2-CPU machine. A uniform random sample measures the share killed with a known margin
(docs/testing.md), and the same seed draws the same sample again after a fix.

    make mutants MUTANTS="$(scripts/mutant_sample.py pledges/services.py 200)"

The mutant names come from mutmut's own files (mutants/<module>.meta), written by any
`make mutants` run (a narrow one is enough: mutmut generates every module's mutants).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="a mutated module's path, e.g. pledges/services.py")
    parser.add_argument("size", type=int, help="how many mutants to draw")
    parser.add_argument(
        "--seed", type=int, default=20261207, help="the random seed (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    meta = ROOT / "mutants" / f"{args.module.removesuffix('.py')}.py.meta"
    if not meta.exists():
        print(f"{meta} is missing: run `make mutants` once to generate it.", file=sys.stderr)
        return 2
    names = sorted(json.loads(meta.read_text())["exit_code_by_key"])
    if not 0 < args.size <= len(names):
        print(f"size must be between 1 and {len(names)} (the module's mutants)", file=sys.stderr)
        return 2
    # Not for security: a reproducible draw.
    print(" ".join(sorted(random.Random(args.seed).sample(names, args.size))))  # noqa: S311
    return 0


if __name__ == "__main__":
    sys.exit(main())
