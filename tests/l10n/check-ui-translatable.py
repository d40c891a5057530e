#!/usr/bin/env python3
# check-ui-translatable.py — every user-visible text in ui/*.ui is marked
# translatable="yes" (issue 6).
#
# Copyright 2026 The Trackfix authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks <property> and menu <attribute> elements whose name is a text the
# user reads (label, title, tooltip, placeholder, subtitle, description,
# …) and <item> of GtkStringList. A value with no letters (a number, "·",
# "—") needs no translation; everything else must say translatable="yes".
# Also fails on translatable="yes" with an empty value and on a
# translatable text that is a bare MAPI tag or registry path.

import os
import re
import sys
import xml.etree.ElementTree as ET

TEXT_PROPERTIES = {
    "label", "title", "subtitle", "tooltip-text", "tooltip-markup",
    "placeholder-text", "description", "text", "heading", "body",
    "secondary-text", "primary-text", "accessible-name", "button-label",
    "title-text", "message", "copyright", "comments", "website-label",
    "application-name", "icon-name-fallback-label", "search-text",
    "menu-label",
}
TEXT_ATTRIBUTES = {"label"}  # <menu> <item> <attribute name="label">
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
APP_NAME = "Trackfix"


def is_identifier(text):
    """Names translators must never see: the application name, MAPI names
    such as FixRecipientTrackStatusTime, registry paths, file names."""
    s = text.strip()
    if s == APP_NAME:
        return True
    if re.search(r"\s", s):
        return False
    return bool(re.search(r"[a-z][A-Z]", s) or "\\" in s or re.search(r"\.[A-Za-z]{2,4}$", s))


def check(path):
    problems = []
    tree = ET.parse(path)
    for elem in tree.iter():
        name = elem.get("name")
        text = elem.text or ""
        what = None
        if elem.tag == "property" and name in TEXT_PROPERTIES:
            what = f'property "{name}"'
        elif elem.tag == "attribute" and name in TEXT_ATTRIBUTES:
            what = f'attribute "{name}"'
        elif elem.tag == "item" and len(elem) == 0 and text.strip():
            what = "string list item"
        elif elem.tag == "property" and name is not None and elem.get("translatable") is None:
            # Accessibility labels/descriptions
            pass
        if what is None:
            continue
        if elem.get("bind-source") is not None:
            continue
        if not LETTERS.search(text):
            continue
        if elem.get("translatable") is None and is_identifier(text):
            continue
        if elem.get("translatable") not in ("yes", "true", "1"):
            problems.append(f"{path}: {what} not translatable: {text.strip()[:60]!r}")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRACKFIX_SOURCE_ROOT", ".")
    ui_files = []
    for dirpath, _dirs, files in os.walk(os.path.join(root, "ui")):
        ui_files += [os.path.join(dirpath, f) for f in files if f.endswith(".ui")]
    if not ui_files:
        print("no .ui files found under", os.path.join(root, "ui"), file=sys.stderr)
        return 1
    problems = []
    for path in sorted(ui_files):
        problems += check(path)
    print(f"1..{len(ui_files)}")
    bad = {p.split(": ")[0] for p in problems}
    for i, path in enumerate(sorted(ui_files), 1):
        ok = path not in bad
        print(f"{'ok' if ok else 'not ok'} {i} {os.path.relpath(path, root)}")
        for p in problems:
            if p.startswith(path + ":"):
                print("# " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
