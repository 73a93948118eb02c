"""Rewrite structure records as n1 x n2 x n3 supercells with shifted, reversed sites.

usage: supercell_records.py N1 N2 N3 < records.jsonl > bigger.jsonl
"""
import json
import sys

n = [int(x) for x in sys.argv[1:4]]
for line in sys.stdin:
    r = json.loads(line)
    st = r["structure"]
    lat = [[x * n[i] for x in st["lattice"][i]] for i in range(3)]
    sp, fr = [], []
    for s, f in zip(st["species"], st["frac"]):
        for a in range(n[0]):
            for b in range(n[1]):
                for c in range(n[2]):
                    g = [(f[0] + a) / n[0] + 0.123, (f[1] + b) / n[1] - 0.31, (f[2] + c) / n[2] + 0.5]
                    sp.append(s)
                    fr.append([x - int(x // 1) for x in g])
    r["structure"] = {"lattice": lat, "species": sp[::-1], "frac": fr[::-1]}
    r["nsites"] = len(sp)
    print(json.dumps(r))
