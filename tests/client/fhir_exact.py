#!/usr/bin/env python3
"""tests/client/fhir_exact.py EXPORT.json BUNDLE.json [--subset]

Compares the resources of an exported Bundle (`carekey export`) with those
of the bundle that was imported, exactly: docs/RECORD-MODEL.md promises
the same resources "byte for byte in canonical JSON". Both files are parsed
into ordered (key, value) lists with every number kept as its lexeme
(140.52 is not 140.52000000000001, 1.0 is not 1, 1e2 is not 100, -0.0 is
not 0), so two resources are equal only when their canonical texts are:
same members in the same order, same strings, same number lexemes.

Checks: every export entry is a resource, none twice (Type/id); every
resource of BUNDLE is in the export once and equal to it; without
--subset, the export holds nothing else. Prints one summary line; on a
mismatch, the first differences (as JSON paths, never values: fixtures
are synthetic, but the habit is kept) and exit status 1.
"""
import json
import sys


class Num(str):
    """A JSON number, as its lexeme."""


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Num, parse_int=Num, parse_constant=Num,
                         object_pairs_hook=lambda kv: ("obj", tuple(kv)))


def member(obj, key):
    for k, v in obj[1]:
        if k == key:
            return v
    return None


def resources(bundle, what):
    out, errors = {}, []
    for i, e in enumerate(member(bundle, "entry") or []):
        r = member(e, "resource")
        if not isinstance(r, tuple):
            errors.append("%s entry %d has no resource" % (what, i))
            continue
        # a resource without an id (a transaction's create) is named by its fullUrl
        rid = member(r, "id")
        key = "%s/%s" % (member(r, "resourceType"), rid) if rid is not None else \
            "%s at %s" % (member(r, "resourceType"), member(e, "fullUrl"))
        if key in out:
            errors.append("%s holds %s twice" % (what, key))
        out[key] = r
    return out, errors


def first_difference(a, b, path="$"):
    """The JSON path of the first place where a and b differ, or None."""
    if type(a) is not type(b):
        return path + " (kind)"
    if isinstance(a, Num):
        return None if str(a) == str(b) else path + " (number lexeme)"
    if isinstance(a, tuple):
        ka, kb = [k for k, _ in a[1]], [k for k, _ in b[1]]
        if ka != kb:
            return path + " (members or their order)"
        for (k, va), (_, vb) in zip(a[1], b[1]):
            d = first_difference(va, vb, "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return path + " (length)"
        for i, (va, vb) in enumerate(zip(a, b)):
            d = first_difference(va, vb, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else path + " (value)"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    subset = "--subset" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    try:
        exp, errors = resources(load(args[0]), "the export")
        fix, errs2 = resources(load(args[1]), "the bundle")
    except (OSError, ValueError) as e:
        print("cannot read: %s" % e)
        return 1
    errors += errs2
    for key, r in fix.items():
        if key not in exp:
            errors.append("missing from the export: %s" % key)
            continue
        d = first_difference(r, exp[key])
        if d:
            errors.append("%s differs at %s" % (key, d))
    if not subset:
        errors += ["exported but not imported: %s" % k for k in exp if k not in fix]
    if errors:
        for e in errors[:8]:
            print(e)
        if len(errors) > 8:
            print("... and %d more" % (len(errors) - 8))
        return 1
    print("%d resources exported, %d imported, every one exact" % (len(exp), len(fix)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
