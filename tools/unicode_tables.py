"""Writes src/runtime/builtins/unicode_tables.rs: the character classes
of `str.isalpha`, `isdigit` and `isnumeric` as CPython 3.11 has them
(Unicode 14.0.0), which Rust's own tables (a newer Unicode, and
`Alphabetic` rather than the letter categories) do not give.

Run with CPython 3.11: python3 tools/unicode_tables.py
"""

import sys
import unicodedata
from pathlib import Path

assert sys.version_info[:2] == (3, 11), "run with CPython 3.11"


def ranges(test):
    found, start = [], None
    for code in range(sys.maxunicode + 1):
        if test(chr(code)):
            if start is None:
                start = code
        elif start is not None:
            found.append((start, code - 1))
            start = None
    if start is not None:
        found.append((start, sys.maxunicode))
    return found


def table(name, doc, test):
    rows = ranges(test)
    lines = [f"/// {doc}", f"pub const {name}: &[(u32, u32)] = &["]
    lines += [f"    (0x{lo:x}, 0x{hi:x})," for lo, hi in rows]
    lines.append("];")
    return "\n".join(lines)


HEADER = f"""//! Character classes as CPython 3.11 has them (Unicode {unicodedata.unidata_version}):
//! sorted, disjoint ranges of code points. Written by
//! `tools/unicode_tables.py`; do not edit by hand.
"""

parts = [
    HEADER,
    table("ALPHA", "`str.isalpha`: the letters (categories Lu, Ll, Lt, Lm, Lo).",
          str.isalpha),
    table("DIGIT", "`str.isdigit`: characters with a digit value.", str.isdigit),
    table("NUMERIC", "`str.isnumeric`: characters with a numeric value.",
          str.isnumeric),
]
out = Path(__file__).resolve().parent.parent / "src/runtime/builtins/unicode_tables.rs"
out.write_text("\n\n".join(parts) + "\n")
print(f"wrote {out}")
