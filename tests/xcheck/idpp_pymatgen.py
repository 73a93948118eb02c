"""IDPP images of make-neb against pymatgen-analysis-diffusion's IDPPSolver.

record: PYTHONPATH=<pymatgen-analysis-diffusion> idpp_pymatgen.py --record JOBS.jsonl REF.json
check:  idpp_pymatgen.py JOBS.jsonl REF.json

JOBS.jsonl: make-neb --kind neb --idpp (or --idpp-steepest) job records.  To record, the
endpoints 00 and N+1 of each job are read back with pymatgen, interpolated
linearly (pbc=False, as make-neb does), and relaxed with
IDPPSolver.run(maxiter=2000000, tol=1e30, gtol=1e-5): stopped, like
make-neb, when no force component exceeds 1e-5 (its default gtol 1e-3
stops far from the minimum on these flat objectives).
The reference keeps IDPPSolver's images and, evaluated with IDPPSolver's
own objective, its value at those images and at make-neb's.

To check, every atom of every image of make-neb must lie within 0.01 A of
IDPPSolver's; or, where the two optimisers settle in different local
minima of the same objective (with every atom moving it has several: on
symmetric hops steepest descent keeps the straight path, a saddle, that
FIRE leaves), make-neb's images must be those recorded (1e-4 A) and their
objective no more than 0.5 % above IDPPSolver's.  Exit 1 otherwise.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
import numpy as np  # noqa: E402
from pymatgen.core import Structure  # noqa: E402

record = sys.argv[1] == "--record"
jobs_path, ref_path = sys.argv[-2], sys.argv[-1]
jobs = [json.loads(l) for l in open(jobs_path)]
# a hop whose straight line runs through an atom starts from hopkit's bent
# path (idpp.start "detour"); the reference started from the straight line
detours = [j["id"] for j in jobs if j.get("idpp", {}).get("start") == "detour"]
jobs = [j for j in jobs if j["id"] not in detours]
if detours:
    print(f"left out {len(detours)} hops that start from a detour: {' '.join(detours)}")


def images(job):
    return [Structure.from_file(f"{job['dir']}/{k:02d}/POSCAR") for k in range(job["nimages"] + 2)]


if record:
    from pymatgen.analysis.diffusion.neb.pathfinder import IDPPSolver
    ref = {}
    for job in jobs:
        imgs = images(job)
        n = job["nimages"]
        init = imgs[0].interpolate(imgs[-1], nimages=n + 1, pbc=False)
        solver = IDPPSolver(init)
        sol = solver.run(maxiter=2000000, tol=1e30, gtol=1e-5)
        theirs = np.array([s.cart_coords for s in sol])
        ours = np.array([s.cart_coords for s in imgs])
        f_theirs = float(solver._get_funcs_and_forces(theirs)[0].sum())
        f_ours = float(solver._get_funcs_and_forces(ours)[0].sum())
        ref[job["id"]] = {"pymatgen": theirs.round(6).tolist(), "hopkit": ours.round(6).tolist(),
                          "objective_pymatgen": f_theirs, "objective_hopkit": f_ours}
        print(f"{job['id']}: objective pymatgen {f_theirs:.6f}, hopkit {f_ours:.6f}")
    json.dump(ref, open(ref_path, "w"))
    sys.exit(0)

ref = json.load(open(ref_path))
worst, agree, lower, bad = 0.0, 0, 0, 0
for job in jobs:
    r = ref.get(job["id"])
    if r is None:
        print(f"{job['id']}: not in the reference")
        bad += 1
        continue
    ours = np.array([s.cart_coords for s in images(job)])
    d = max(np.linalg.norm(ours[k] - np.array(r["pymatgen"][k]), axis=1).max() for k in range(1, len(ours) - 1))
    if d <= 0.01:
        agree += 1
        worst = max(worst, d)
        continue
    same = max(np.linalg.norm(ours[k] - np.array(r["hopkit"][k]), axis=1).max() for k in range(len(ours)))
    if same <= 1e-4 and r["objective_hopkit"] <= 1.005 * r["objective_pymatgen"]:
        lower += 1
        print(f"known: {job['id']}: {d:.3f} A from IDPPSolver, another local minimum "
              f"(objective {r['objective_hopkit']:.5f}, IDPPSolver's {r['objective_pymatgen']:.5f})")
        continue
    bad += 1
    print(f"{job['id']}: an atom is {d:.4f} A from IDPPSolver's")
print(f"idpp: {len(jobs)} paths, {agree} within 0.01 A of IDPPSolver (worst {worst:.5f} A), "
      f"{lower} in another local minimum, {bad} different")
sys.exit(1 if bad or not jobs else 0)
