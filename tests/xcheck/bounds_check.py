"""Check measure's records against the bounds of libcore/bounds.h.

    bounds_check.py BOUNDS_H measured.jsonl ...

Every number anywhere in a record's "measures" must be finite (JSON has no
NaN or infinity, but a writer could emit them as text); bvse_barrier must
lie in [0, HK_BARRIER_MAX] and every bvse_profile value within
HK_BARRIER_MAX of 0; the ionic-radii overlap changes within the 8 A cutoff;
a null descriptor must have its reason under measures.errors.  Prints one
line per problem and a summary; exits 1 when there is a problem.
"""
import json
import math
import re
import sys

DESCRIPTORS = ("oxidation_state", "dimensionality", "dimensionality_cumlengths", "ewald_energy",
               "ionic_radii_overlap_cations", "ionic_radii_overlap_anions", "bvse_barrier")


def bound(header, name):
    m = re.search(r"#define\s+%s\s+\(?(-?[0-9.]+)\)?" % name, header)
    if not m:
        sys.exit("bounds_check: no %s in the header" % name)
    return float(m.group(1))


def numbers(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return
    if isinstance(v, (int, float)):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from numbers(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from numbers(x)


def problems(rec, bmax):
    m = rec.get("measures", {})
    errors = m.get("errors", {})
    for x in numbers({k: v for k, v in m.items() if k != "errors"}):
        if not math.isfinite(x):
            yield "a number that is not finite"
    b = m.get("bvse_barrier")
    if b is not None and not 0 <= b <= bmax:
        yield "bvse_barrier %g outside [0, %g]" % (b, bmax)
    for x in m.get("bvse_profile") or []:
        if x is None or abs(x) > bmax:
            yield "bvse_profile value %s beyond %g" % (x, bmax)
    for k in ("ionic_radii_overlap_cations", "ionic_radii_overlap_anions"):
        if m.get(k) is not None and abs(m[k]) > 8:
            yield "%s %g beyond the cutoff" % (k, m[k])
    for k in DESCRIPTORS:
        if k in m and m[k] is None and not errors.get(k):
            yield "%s null without a reason" % k


def main():
    header = open(sys.argv[1]).read()
    bmax = bound(header, "HK_BARRIER_MAX")
    nrec = nbar = bad = 0
    top = 0.0
    for path in sys.argv[2:]:
        with open(path) as f:
            for line in f:
                rec = json.loads(line, parse_constant=lambda c: float(c))
                nrec += 1
                b = rec.get("measures", {}).get("bvse_barrier")
                if b is not None:
                    nbar += 1
                    top = max(top, b)
                for p in problems(rec, bmax):
                    print("%s: %s" % (rec.get("id"), p))
                    bad += 1
    print("bounds: %d records, %d barriers (highest %.2f eV), %d problems" % (nrec, nbar, top, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
