#!/usr/bin/env python3
# check-potfiles.py — po/POTFILES.in is complete, sorted and points at files
# that exist (issue 6): every source file with a translatable string is
# listed, so xgettext sees it.
#
# Copyright 2026 The Trackfix authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

C_MARKERS = re.compile(r'\b(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2|g_dcgettext)\s*\(\s*(?:"|[A-Za-z_]+\s*,)')
UI_MARKER = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
DATA_MARKERS = re.compile(r'<summary>|<description>|<name>|^Name=|^Comment=', re.M)


def has_strings(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if path.endswith(".c"):
        # drop comments: "_(" in a comment is no string
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        return bool(C_MARKERS.search(text))
    if path.endswith(".ui"):
        return bool(UI_MARKER.search(text))
    if path.endswith(".in"):
        return bool(DATA_MARKERS.search(text))
    return False


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRACKFIX_SOURCE_ROOT", ".")
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        entries = [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]

    candidates = []
    for top, exts in (("src", (".c",)), ("ui", (".ui",)), ("data", (".in",))):
        for dirpath, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(d for d in dirs if d != "demo")
            for name in sorted(files):
                if name.endswith(exts):
                    candidates.append(os.path.relpath(os.path.join(dirpath, name), root))

    tests = []
    tests.append(("every POTFILES.in entry exists",
                  [e for e in entries if not os.path.isfile(os.path.join(root, e))]))
    tests.append(("POTFILES.in is sorted and has no duplicates",
                  [] if entries == sorted(set(entries)) else
                  [f"{a} before {b}" for a, b in zip(entries, entries[1:]) if a >= b]))
    tests.append(("every file with translatable strings is listed",
                  [c for c in candidates if has_strings(os.path.join(root, c)) and c not in entries]))

    print(f"1..{len(tests)}")
    failed = 0
    for i, (name, problems) in enumerate(tests, 1):
        if problems:
            failed += 1
            print(f"not ok {i} - {name}")
            for p in problems:
                print(f"# {p}")
        else:
            print(f"ok {i} - {name}")
    unused = [e for e in entries if os.path.isfile(os.path.join(root, e)) and not has_strings(os.path.join(root, e))]
    for e in unused:
        print(f"# note: {e} is listed but has no translatable string")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
