#!/usr/bin/env python3
# check-unmarked.py — user-visible C strings go through gettext (issue 6).
#
# Looks at the calls that show text to the user — error messages
# (g_set_error, g_error_new, g_prefix_error, tf_cli_error,
# tf_finding_new_printf), printed output (g_print, g_printerr,
# g_string_append_printf) and widgets (labels, titles, tooltips, toasts,
# dialogs, menus) — and fails when such a call gets a bare string literal
# with words in it instead of _(), N_(), C_() or ngettext(). Strings
# without words ("%s\n", "—", "0x%08X") need no translation. A call that
# must stay English (a command, a file format keyword) says so with a
# "not translated" comment on the same line.
#
# Copyright 2026 The Trackfix authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

# function name → index of the (first) user-visible string argument
CALLS = {
    "g_set_error": 3, "g_set_error_literal": 3, "g_error_new": 2, "g_error_new_literal": 2,
    "g_prefix_error": 1, "g_prefix_error_literal": 1, "tf_cli_error": 0,
    "tf_finding_new_printf": 2, "tf_finding_new": 2,
    "g_print": 0, "g_printerr": 0, "g_string_append_printf": 1, "g_string_printf": 1,
    "gtk_label_set_text": 1, "gtk_label_set_label": 1, "gtk_label_new": 0,
    "gtk_label_new_with_mnemonic": 0, "gtk_button_set_label": 1,
    "gtk_button_new_with_label": 0, "gtk_button_new_with_mnemonic": 0,
    "gtk_widget_set_tooltip_text": 1, "gtk_window_set_title": 1,
    "adw_toast_new": 0, "adw_status_page_set_title": 1, "adw_status_page_set_description": 1,
    "adw_preferences_row_set_title": 1, "adw_action_row_set_subtitle": 1,
    "adw_preferences_group_set_title": 1, "adw_preferences_group_set_description": 1,
    "adw_message_dialog_new": 1, "adw_message_dialog_set_heading": 1,
    "adw_message_dialog_set_body": 1, "adw_message_dialog_format_body": 1,
    "adw_message_dialog_format_heading": 1, "adw_window_title_set_subtitle": 1,
    "g_menu_append": 1, "g_menu_item_new": 0, "gtk_file_filter_set_name": 1,
    "gtk_file_chooser_native_new": 0, "gtk_check_button_set_label": 1,
    "gtk_progress_bar_set_text": 1, "gtk_editable_set_text": 1,
    "adw_toast_set_title": 1, "adw_toast_set_button_label": 1,
    "gtk_search_entry_set_placeholder_text": 1, "gtk_entry_set_placeholder_text": 1,
}
WORDS = re.compile(r"[A-Za-z]{2,}[^\"]*\s[^\"]*[A-Za-z]{2,}|^[A-Z][a-z]{2,}")
MARKERS = ("_ (", "_(", "N_ (", "N_(", "C_ (", "C_(", "NC_", "ngettext", "g_dngettext", "Q_")


def split_args(text, start):
    """Arguments of the call whose '(' is at text[start]; None if unbalanced."""
    depth, i, arg_start, args = 0, start, start + 1, []
    in_str = None
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == in_str:
                in_str = None
        elif c in "\"'":
            in_str = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(text[arg_start:i])
                return args
        elif c == "," and depth == 1:
            args.append(text[arg_start:i])
            arg_start = i + 1
        i += 1
    return None


def literal_text(arg):
    """The concatenated literal if arg is only string literals (and macros)."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    return "".join(parts) if parts else None


def check_file(path, rel):
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    # blank out comments but keep offsets and "not translated" notes per line
    notes = set()
    def blank(m):
        s = m.group(0)
        if "not translated" in s:
            line = raw.count("\n", 0, m.start()) + 1
            notes.update(range(line, line + s.count("\n") + 2))
        return re.sub(r"[^\n]", " ", s)
    text = re.sub(r"/\*.*?\*/|//[^\n]*", blank, raw, flags=re.S)
    problems = []
    for m in re.finditer(r"\b(" + "|".join(CALLS) + r")\s*\(", text):
        args = split_args(text, m.end() - 1)
        index = CALLS[m.group(1)]
        if args is None or index >= len(args):
            continue
        arg = args[index].strip()
        # cond ? _("a") : "b": every branch on its own
        branches = arg.split("?", 1)[1].split(":") if "?" in arg else [arg]
        bad = None
        for branch in branches:
            lit = literal_text(branch)
            if lit is not None and WORDS.search(lit) and not any(k in branch for k in MARKERS):
                bad = lit
        if bad is None:
            continue
        line = text.count("\n", 0, m.start()) + 1
        if line in notes:
            continue
        problems.append(f"{rel}:{line}: {m.group(1)} (\"{bad[:60]}\") is not marked for translation")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRACKFIX_SOURCE_ROOT", ".")
    files = []
    for top in ("src/core", "src/cli", "src/app"):
        for dirpath, _dirs, names in os.walk(os.path.join(root, top)):
            files += [os.path.join(dirpath, n) for n in sorted(names) if n.endswith(".c")]
    files.sort()
    print(f"1..{len(files)}")
    failed = 0
    for i, path in enumerate(files, 1):
        rel = os.path.relpath(path, root)
        problems = check_file(path, rel)
        print(f"{'not ok' if problems else 'ok'} {i} {rel}")
        for p in problems:
            print("# " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
