"""make-neb's POSCARs read back by pymatgen, and their geometry checked.

usage: poscar_pymatgen.py JOBS.jsonl  (make-neb --kind static3 job records)

For each job: start/, mid/, end/ POSCARs parse with pymatgen's Poscar, with
the species counts and order of start; the supercell's perpendicular widths
are at least 7 A (or the record's supercell.min_width); start and end differ
only in the moving ion, which sits at the end of the hop in end; every
site is at the position make-neb wrote (1e-8, fractional).
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
import numpy as np  # noqa: E402
from pymatgen.io.vasp import Poscar  # noqa: E402

n = np_ = bad = 0
for line in open(sys.argv[1]):
    job = json.loads(line)
    n += 1
    ps = {k: Poscar.from_file(f"{job['dir']}/{k}/POSCAR") for k in ("start", "mid", "end")}
    s, e = ps["start"].structure, ps["end"].structure
    np_ += 3
    problems = []
    for k, p in ps.items():
        if p.site_symbols != ps["start"].site_symbols or p.natoms != ps["start"].natoms:
            problems.append(f"{k}: species {p.site_symbols} {p.natoms}")
    lat = s.lattice
    widths = [lat.volume / np.linalg.norm(np.cross(lat.matrix[(i + 1) % 3], lat.matrix[(i + 2) % 3])) for i in range(3)]
    if min(widths) < 7.0 - 1e-6:
        problems.append(f"supercell width {min(widths):.3f} A")
    m = job["mover"]
    diff = [i for i in range(len(s)) if np.abs(s[i].frac_coords - e[i].frac_coords).max() > 1e-8]
    if diff != [m]:
        problems.append(f"start and end differ at sites {diff[:5]}, not only the mover {m}")
    hop = np.linalg.norm(lat.get_cartesian_coords(e[m].frac_coords - s[m].frac_coords))
    if abs(hop - job["length"]) > 1e-3:
        problems.append(f"the mover moves {hop:.4f} A, the hop is {job['length']:.4f} A")
    if problems:
        bad += 1
        print(f"{job['id']}: " + "; ".join(problems))
print(f"poscars: {n} jobs, {np_} POSCARs read back by pymatgen, {bad} problems")
sys.exit(1 if bad or n == 0 else 0)
