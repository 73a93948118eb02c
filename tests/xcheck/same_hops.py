"""Two find-paths outputs of the same structures in different cells agree.

usage: same_hops.py A.jsonl B.jsonl

Per structure_id: the same number of hops, lengths within 1e-6 A, and the
same hops per migrating ion (multiplicity / number of ion sites).
"""
import json
import sys


def load(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        nion = sum(1 for s in r["structure"]["species"] if s == r["ion"])
        out.setdefault(r["structure_id"], []).append((r["length"], 2 * r["multiplicity"] / nion))
    return {k: sorted(v) for k, v in out.items()}


a, b = load(sys.argv[1]), load(sys.argv[2])
same = 0
for k, hops in sorted(a.items()):
    other = list(b.get(k, []))
    # hops of equal length may come in either order
    ok = len(hops) == len(other)
    for x in hops:
        m = [y for y in other if abs(x[0] - y[0]) < 1e-6 and abs(x[1] - y[1]) < 1e-9]
        if not m:
            ok = False
            break
        other.remove(m[0])
    if ok:
        same += 1
    else:
        print(f"{k}: {len(hops)} hops {hops[:4]} vs {len(b.get(k, []))} {b.get(k, [])[:4]}")
print(f"{len(a)} structures, {same} give the same hops")
sys.exit(0 if same == len(a) and len(a) == len(b) else 1)
