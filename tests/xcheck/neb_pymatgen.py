"""ff-calc's NEB directories through pymatgen's NEBAnalysis.

usage: neb_pymatgen.py RESULTS.jsonl NEBDIR...

For every NEB directory (images 00 ... N+1, as VTST lays them out):
- pymatgen's NEBAnalysis.from_dir reads it (it needs each image's tangent
  force, from VTST's "NEB: projections on to tangent" line);
- its barrier, the highest energy less that of image 00, equals collect's
  energy_barrier (1e-6 eV);
- the tangent each interior image's OUTCAR prints equals the upwind tangent
  (Henkelman and Jonsson, J. Chem. Phys. 113, 9978 (2000), as VTST's neb.F
  has it) computed here from the images' CONTCARs (an endpoint that was not
  computed: its POSCAR; minimum image) and the energies pymatgen read (2e-5
  per component: VTST prints 5 decimals);
- the tangent force pymatgen read equals the OUTCAR's last TOTAL-FORCE
  block projected on that tangent (1e-4 eV/A).
Prints one line per problem and a summary line.
"""
import json
import os
import sys

import numpy as np
from pymatgen.analysis.transition_state import NEBAnalysis
from pymatgen.io.vasp.inputs import Poscar


def last_block(path, natoms):
    """The last TOTAL-FORCE forces and the last NEB tangent, natoms x 3 each."""
    with open(path) as f:
        lines = f.readlines()
    forces = tangent = None
    for i, line in enumerate(lines):
        if "TOTAL-FORCE (eV/Angst)" in line:
            rows = lines[i + 2:i + 2 + natoms]
            forces = np.array([[float(v) for v in r.split()[3:6]] for r in rows])
        elif line.startswith(" NEB: Tangent"):
            rows = lines[i + 2:i + 2 + natoms]
            tangent = np.array([[float(v) for v in r.split()] for r in rows])
    return forces, tangent


def image_structure(d):
    """An image's final structure: its CONTCAR, or the POSCAR of an endpoint
    that was not computed (its relaxation's outputs given, as VTST has it)."""
    p = os.path.join(d, "CONTCAR")
    if not os.path.exists(p):
        p = os.path.join(d, "POSCAR")
    return Poscar.from_file(p).structure


def displacement(a, b):
    """Cartesian b - a of every atom, minimum image."""
    d = b.frac_coords - a.frac_coords
    d -= np.round(d)
    return a.lattice.get_cartesian_coords(d)


def upwind(prev, here, nxt, e):
    """The unit tangent at the middle of three structures with energies e."""
    d_prev, d_next = displacement(prev, here), displacement(here, nxt)
    up, um = e[2] - e[1], e[0] - e[1]
    if up > 0 and um < 0:
        t = d_next
    elif up < 0 and um > 0:
        t = d_prev
    else:
        big, small = max(abs(up), abs(um)), min(abs(up), abs(um))
        if e[2] > e[0]:
            t = big * d_next + small * d_prev
        else:
            t = small * d_next + big * d_prev
    return t / np.linalg.norm(t)


def check(job, collected, bad):
    na = NEBAnalysis.from_dir(job)
    barrier = float(np.max(na.energies) - na.energies[0])
    if abs(barrier - collected["energy_barrier"]) > 1e-6:
        bad.append("%s: pymatgen's barrier %.8f, collect's %.8f" % (job, barrier, collected["energy_barrier"]))
    names = sorted((d for d in os.listdir(job) if d.isdigit()), key=int)
    s = [image_structure(os.path.join(job, d)) for d in names]
    for k in range(1, len(names) - 1):
        f, written = last_block(os.path.join(job, names[k], "OUTCAR"), len(s[k]))
        if f is None or written is None:
            bad.append("%s/%s: no TOTAL-FORCE block or no NEB: Tangent" % (job, names[k]))
            continue
        t = upwind(s[k - 1], s[k], s[k + 1], na.energies[k - 1:k + 2])
        if np.max(np.abs(t - written)) > 2e-5:
            bad.append("%s/%s: tangent differs by %.2g" % (job, names[k], np.max(np.abs(t - written))))
        along = float(np.sum(f * t))
        if abs(along - na.forces[k]) > 1e-4:
            bad.append("%s/%s: pymatgen's tangent force %.6f, the forces along the tangent %.6f"
                       % (job, names[k], na.forces[k], along))
    return len(names) - 2


def main():
    results = {}
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line)
            results[r["id"]] = r
    bad = []
    images = 0
    for job in sys.argv[2:]:
        images += check(job, results[os.path.basename(job.rstrip("/"))], bad)
    for b in bad:
        print(b)
    print("ff-calc: %d NEBs (%d images) read by NEBAnalysis, %s" % (
        len(sys.argv) - 2, images, "barriers, tangents and tangent forces agree" if not bad
        else "disagreements: %d" % len(bad)))


main()
