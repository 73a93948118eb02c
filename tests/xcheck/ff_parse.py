"""ff-calc's outputs through pymatgen's VASP readers.

usage: ff_parse.py RESULTS.jsonl JOBDIR...

For every image directory of every job: pymatgen's Oszicar and Outcar read
the files, and their final energies must equal the one collect reported
for that image (1e-6 eV), and each other.  Prints one summary line.
"""
import json
import os
import sys

from pymatgen.io.vasp.outputs import Oszicar, Outcar

results = {}
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)
        results[r["id"]] = r
checked = 0
bad = []
for job in sys.argv[2:]:
    r = results[os.path.basename(job.rstrip("/"))]
    for name, energy in zip(r["images"], r["energies"]):
        d = os.path.join(job, name)
        osz = Oszicar(os.path.join(d, "OSZICAR"))
        out = Outcar(os.path.join(d, "OUTCAR"))
        for what, e in (("Oszicar", osz.final_energy), ("Outcar", out.final_energy)):
            if e is None or abs(e - energy) > 1e-6:
                bad.append("%s %s: %s %s, collect %s" % (job, name, what, e, energy))
        if abs(out.final_fr_energy - out.final_energy) > 1e-9 or not out.run_stats.get("Elapsed time (sec)"):
            bad.append("%s %s: Outcar free energy or timing not read" % (job, name))
        checked += 1
for b in bad:
    print(b)
print("ff-calc: %d images read by pymatgen, %s" % (checked, "all agree" if not bad else "%d disagree" % len(bad)))
