# report.genindex alone, on a few index entries that Sphinx files under
# "Symbols" or under conjoining jamo (tests/test_genindex.py).
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

project = "Index filing"
extensions = ["myst_parser", "report.genindex"]
