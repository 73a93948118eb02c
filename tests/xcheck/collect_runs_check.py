"""collect's records of the plain VASP runs under a tree against pymatgen's
final energies (ref/vasp_pymatgen.tsv, made by make_vasp_reference.py).

usage: collect_runs_check.py ROOT REF.tsv < records

For each run collect read, the file it takes its energy from is the one
pymatgen's drones take: vasprun.xml, else OUTCAR, else OSZICAR, and of
custodian's numbered steps (.relax1, .relax2) the last.  Prints one line
per disagreement and a last line with the counts.
"""
import json
import math
import os
import re
import sys

root, ref_path = sys.argv[1], sys.argv[2]
ref = {}
with open(ref_path) as f:
    next(f)
    for line in f:
        path, quantity, value = line.rstrip("\n").split("\t")
        if quantity == "final_energy":
            ref[path] = float(value) if value not in ("None", "nan", "") else math.nan


def step(name):
    m = re.search(r"\.relax(\d+)", name)
    return int(m.group(1)) if m else 0


def source_of(rel):
    """The reference file collect's energy should come from, or None."""
    for kind in ("vasprun.xml", "OUTCAR", "OSZICAR"):
        names = [p for p in ref if os.path.dirname(p) == rel and os.path.basename(p).startswith(kind)]
        usable = [p for p in names if not math.isnan(ref[p])]
        if usable:
            return max(usable, key=lambda p: step(os.path.basename(p)))
    return None


runs = bad = compared = 0
problems = []
for line in sys.stdin:
    rec = json.loads(line)
    rel = os.path.relpath(rec["dir"], root)
    runs += 1
    src = source_of(rel)
    energy = rec["energies"][0] if rec.get("energies") else None
    if src is None:
        if energy is not None:
            print(f"{rel}: collect has {energy} but pymatgen reads no energy")
            bad += 1
        else:
            problems.append(f"{rel}: {rec.get('problems', {}).get('.', '')}")
        continue
    compared += 1
    if energy is None or abs(energy - ref[src]) > 1e-6:
        print(f"{rel}: collect {energy}, pymatgen {ref[src]} ({src})")
        bad += 1
for p in problems:
    print("no energy, as pymatgen:", p)
print(f"collect: {runs} runs, {compared} energies compared with pymatgen, {bad} disagree, {len(problems)} without energy")
