"""NEBs between relaxed endpoints, read by pymatgen's NEBAnalysis.

usage: hierarchy_neb_pymatgen.py barrier|endpoints RESULTS.jsonl

RESULTS.jsonl is collect's table of a make-neb --relax-endpoints run: the
relaxations (kind relax) and the NEBs (kind neb, "parents": the start's
and the end's relaxation ids, "dir").  For every NEB:
- barrier: NEBAnalysis.from_dir reads its directory as VTST lays it out,
  and its barrier, the highest energy less that of image 00, equals
  collect's energy_barrier (1e-6 eV);
- endpoints: the energies NEBAnalysis reads in 00/ and N+1/ are those it
  reads from the relaxations' own directories (from_dir with
  relaxation_dirs), 1e-6 eV: the endpoints of the band are the relaxed
  structures the NEB was prepared from, not recomputed.
Prints one line per problem and a summary line.
"""
import json
import sys

import numpy as np
from pymatgen.analysis.transition_state import NEBAnalysis


def main():
    mode, table = sys.argv[1], sys.argv[2]
    recs = [json.loads(line) for line in open(table)]
    by_id = {r["id"]: r for r in recs}
    nebs = [r for r in recs if r.get("kind") == "neb"]
    bad = []
    for r in nebs:
        job = r["dir"]
        na = NEBAnalysis.from_dir(job)
        if mode == "barrier":
            barrier = float(np.max(na.energies) - na.energies[0])
            if "energy_barrier" not in r:
                bad.append("%s: collect gives no barrier" % job)
            elif abs(barrier - r["energy_barrier"]) > 1e-6:
                bad.append("%s: pymatgen's barrier %.8f, collect's %.8f" % (job, barrier, r["energy_barrier"]))
        else:
            parents = [by_id[p]["dir"] for p in r["parents"]]
            relaxed = NEBAnalysis.from_dir(job, relaxation_dirs=tuple(parents))
            for k, side in ((0, "00"), (-1, "N+1")):
                if abs(na.energies[k] - relaxed.energies[k]) > 1e-6:
                    bad.append("%s: %s's energy %.8f, its relaxation's %.8f" % (job, side, na.energies[k],
                                                                                 relaxed.energies[k]))
    for b in bad:
        print(b)
    what = {"barrier": "barriers equal collect's", "endpoints": "endpoints are the relaxations' energies"}[mode]
    print("%d NEBs read by NEBAnalysis: %s" % (len(nebs), what if not bad else "disagreements: %d" % len(bad)))


main()
