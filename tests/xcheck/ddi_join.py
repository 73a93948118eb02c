#!/usr/bin/env python3
"""Join the fluoride study's published barriers (ddi-dev.tsv) to hopkit's hops.

usage: ddi_join.py measured.jsonl ddi-dev.tsv > joined.jsonl

The study's cells are 0-2 % larger than the corpus CIFs, so per material
one uniform length scale is fitted: the ratio, within 0.95-1.05, that
matches the most published hops to a hopkit hop within 0.01 A (ties: the
smaller summed residual).  A published hop matched by exactly one hopkit
hop, that no other published hop also matches, is a clean match; it is
written as the hopkit record with "ddi": {barrier_static3, barrier_neb1,
length, scale}.  The rest are left out, as the data's README says.  The
last line on stderr counts both.
"""
import csv
import json
import sys
from collections import defaultdict

TOL = 0.01


def fnum(s):
    return float(s) if s not in ("", None) else None


def best_scale(pub, hops):
    cands = {lp / lh for lp in pub for lh in hops if lh > 0 and 0.95 < lp / lh < 1.05}
    best = None
    for s in sorted(cands):
        hit, res = 0, 0.0
        for lp in pub:
            d = min(abs(lh * s - lp) for lh in hops)
            if d < TOL:
                hit, res = hit + 1, res + d
        key = (-hit, res)
        if best is None or key < best[0]:
            best = (key, s)
    return best[1] if best else None


def main():
    recs = defaultdict(list)
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line)
            recs[r["structure_id"]].append(r)
    rows = defaultdict(list)
    with open(sys.argv[2]) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows[row["mp_id"]].append(row)
    clean = left = 0
    for mp, pub in rows.items():
        hops = recs.get(mp, [])
        lengths = [r["length"] for r in hops]
        s = best_scale([float(p["length"]) for p in pub], lengths) if hops else None
        if s is None:
            left += len(pub)
            continue
        match = []
        for p in pub:
            lp = float(p["length"])
            match.append([i for i, lh in enumerate(lengths) if abs(lh * s - lp) < TOL])
        taken = defaultdict(int)
        for m in match:
            if len(m) == 1:
                taken[m[0]] += 1
        for p, m in zip(pub, match):
            if len(m) != 1 or taken[m[0]] != 1:
                left += 1
                continue
            r = dict(hops[m[0]])
            r["ddi"] = {"barrier_static3": fnum(p["barrier_static3"]), "barrier_neb1": fnum(p["barrier_neb1"]),
                        "length": float(p["length"]), "scale": s}
            print(json.dumps(r))
            clean += 1
    print(f"ddi join: {clean} clean matches, {left} left out", file=sys.stderr)


main()
