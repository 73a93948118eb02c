"""Oxidation states of measure against pymatgen's BVAnalyzer.

usage: oxidation_pymatgen.py MEASURED.jsonl CORPUS_DIR

MEASURED.jsonl: one measured path record per structure (find-paths -n 1 |
measure --only oxidation_state).  For each, pymatgen's BVAnalyzer() with its
defaults reads the same source file.  Prints the disagreements (with both
assignments) and the agreement rate; exit 1 below 95 %.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
from pymatgen.analysis.bond_valence import BVAnalyzer  # noqa: E402
from pymatgen.core import Structure  # noqa: E402

n = agree = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    ours = r["measures"].get("oxidation_states")
    s = Structure.from_file(f"{sys.argv[2]}/{r['source']}")
    try:
        ref = BVAnalyzer().get_valences(s)
    except ValueError as e:
        ref = None
        why = str(e)
    n += 1
    # pymatgen's CifParser may order the sites differently: compare the
    # (element, oxidation state) counts
    species = r["structure"]["species"]
    mine_c = sorted(zip(species, ours)) if ours is not None else None
    ref_c = sorted(zip([x.specie.symbol for x in s], ref)) if ref is not None else None
    if mine_c == ref_c:
        agree += 1
    else:
        mine = ours if ours is not None else "null: " + r["measures"]["errors"].get("oxidation_states", "")
        theirs = ref if ref is not None else "error: " + why
        print(f"{r['source']}: hopkit {mine} pymatgen {theirs}")
print(f"oxidation states: {n} structures, {agree} agree with BVAnalyzer ({100.0 * agree / max(n, 1):.1f} %)")
sys.exit(0 if n and agree >= 0.95 * n else 1)
