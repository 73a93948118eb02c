"""Each symmetrised conventional cell must give its P1 twin's structure.

usage: twins_pymatgen.py P1.jsonl SYM.jsonl   (both from fetch-structures --sanitize)

Records are paired by file name (X_sym.cif with X.cif).  The two must have
the same formula, the same number of sites in the sanitised primitive
cell, volumes within 1 % (spglib idealises each cell, and a file
symmetrised at a tighter tolerance idealises slightly differently), and
pymatgen's StructureMatcher (default tolerances, no scaling) must match
them.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
from pymatgen.analysis.structure_matcher import StructureMatcher  # noqa: E402
from pymatgen.core import Lattice, Structure  # noqa: E402


def load(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        st = r["structure"]
        key = r["source"].rsplit("/", 1)[-1].replace("_sym.cif", ".cif")
        out[key] = (r, Structure(Lattice(st["lattice"]), st["species"], st["frac"]))
    return out


p1, sym = load(sys.argv[1]), load(sys.argv[2])
sm = StructureMatcher(scale=False, primitive_cell=False, attempt_supercell=False)
n = bad = 0
for key, (rs, s) in sorted(sym.items()):
    if key not in p1:
        print(f"{key}: no P1 twin")
        bad += 1
        continue
    rp, p = p1[key]
    n += 1
    problems = []
    if rs["formula"] != rp["formula"]:
        problems.append(f"formula {rs['formula']} != {rp['formula']}")
    if len(s) != len(p):
        problems.append(f"primitive sites {len(s)} != {len(p)}")
    if abs(s.volume - p.volume) > 1e-2 * p.volume:
        problems.append(f"volume {s.volume:.4f} != {p.volume:.4f}")
    if not problems and not sm.fit(s, p):
        problems.append("StructureMatcher does not match")
    if problems:
        bad += 1
        print(f"{key}: " + "; ".join(problems))
print(f"twins: {n} pairs, {n - bad} agree, {bad} differ")
sys.exit(1 if bad or n == 0 else 0)
