"""IDPP images of make-neb against ASE's IDPP (Debian's python3-ase).

record: idpp_ase.py --record JOBS.jsonl REF.json
check:  idpp_ase.py JOBS.jsonl REF.json
time:   idpp_ase.py --time FTOL MAXITER JOBDIR...

JOBS.jsonl: make-neb --kind neb --idpp job records.  To record, the
endpoints 00 and N+1 of each job are read back with ASE, interpolated
linearly (as make-neb does: the end is written unwrapped), given ASE's IDPP
calculator (targets from the endpoints' minimum-image distances, mic=True:
the nearest image of every pair found anew at every step), coupled by
ase.neb.NEB(k=5, method="improvedtangent") -- Henkelman and Jonsson's
upwind tangent, as make-neb's -- and relaxed with ASE's FIRE to fmax 1e-5
or 3000 steps.  Where two images of a pair are equally near the objective
has a kink, and a minimum on it has no zero force: neither optimiser gets
below the tolerance there, both stop moving on the kink.  The reference
keeps ASE's images and the largest force it reached.

To check, every atom of every interior image of make-neb must lie within
0.01 A (minimum image) of ASE's; or, where the two optimisers settle in
different minima of the same objective (with every atom moving it has
several), the objective -- ASE's IDPP energy summed over the images --
must be no more than 0.5 % above at make-neb's images than at ASE's.
Exit 1 otherwise.

To time, ASE's IDPP runs on each job directory as above, to fmax FTOL or
MAXITER steps, and the seconds spent in the optimiser are printed.
"""
import glob
import json
import os
import sys
import time
import warnings

warnings.simplefilter("ignore")
import numpy as np  # noqa: E402
from ase.geometry import find_mic  # noqa: E402
from ase.io import read  # noqa: E402
from ase.neb import IDPP, NEB  # noqa: E402
from ase.optimize import FIRE  # noqa: E402


def ase_idpp(start, end, nimages, fmax, steps):
    """ASE's IDPP between two ASE Atoms; the images and the largest force reached."""
    imgs = [start.copy() for _ in range(nimages + 1)] + [end.copy()]
    neb = NEB(imgs, k=5.0, method="improvedtangent")
    neb.interpolate(mic=False)
    d0 = imgs[0].get_all_distances(mic=True)
    d1 = imgs[-1].get_all_distances(mic=True)
    for k, im in enumerate(imgs):
        im.calc = IDPP(d0 + k * (d1 - d0) / (nimages + 1), mic=True)
    t0 = time.perf_counter()
    FIRE(neb, logfile=None).run(fmax=fmax, steps=steps)
    seconds = time.perf_counter() - t0
    f = np.sqrt((neb.get_forces() ** 2).sum(1)).max()
    return imgs, float(f), seconds


def objective(images):
    """ASE's IDPP energy summed over the interior images."""
    imgs = [im.copy() for im in images]
    n = len(imgs) - 2
    d0 = imgs[0].get_all_distances(mic=True)
    d1 = imgs[-1].get_all_distances(mic=True)
    total = 0.0
    for k in range(1, n + 1):
        imgs[k].calc = IDPP(d0 + k * (d1 - d0) / (n + 1), mic=True)
        total += imgs[k].get_potential_energy()
    return total


def job_images(job):
    return [read(f"{job['dir']}/{k:02d}/POSCAR", format="vasp") for k in range(job["nimages"] + 2)]


if sys.argv[1] == "--time":
    fmax, steps = float(sys.argv[2]), int(sys.argv[3])
    total, n = 0.0, 0
    for d in sys.argv[4:]:
        dirs = sorted(x for x in glob.glob(os.path.join(d, "[0-9][0-9]")) if os.path.isdir(x))
        if len(dirs) < 3:
            continue
        a = read(os.path.join(dirs[0], "POSCAR"), format="vasp")
        b = read(os.path.join(dirs[-1], "POSCAR"), format="vasp")
        total += ase_idpp(a, b, len(dirs) - 2, fmax, steps)[2]
        n += 1
    print("%d paths %.6f s" % (n, total))
    sys.exit(0)

record = sys.argv[1] == "--record"
jobs_path, ref_path = sys.argv[-2], sys.argv[-1]
jobs = [json.loads(line) for line in open(jobs_path)]
# a hop whose straight line runs through an atom starts from hopkit's bent
# path (idpp.start "detour"); the reference started from the straight line
detours = [j["id"] for j in jobs if j.get("idpp", {}).get("start") == "detour"]
jobs = [j for j in jobs if j["id"] not in detours]
if detours:
    print(f"left out {len(detours)} hops that start from a detour: {' '.join(detours)}")

if record:
    ref = {}
    for job in jobs:
        ours = job_images(job)
        imgs, fmax, seconds = ase_idpp(ours[0], ours[-1], job["nimages"], 1e-5, 3000)
        ref[job["id"]] = {"ase": np.array([im.positions for im in imgs]).round(6).tolist(), "fmax": fmax}
        print(f"{job['id']}: ASE's largest force {fmax:.2e} after {seconds:.1f} s", flush=True)
    json.dump(ref, open(ref_path, "w"))
    sys.exit(0)

ref = json.load(open(ref_path))
worst, agree, other, bad = 0.0, 0, 0, 0
for job in jobs:
    r = ref.get(job["id"])
    if r is None:
        print(f"{job['id']}: not in the reference")
        bad += 1
        continue
    ours = job_images(job)
    theirs = np.array(r["ase"])
    d = 0.0
    for k in range(1, len(ours) - 1):
        _, lengths = find_mic(ours[k].positions - theirs[k], ours[0].cell, True)
        d = max(d, float(lengths.max()))
    if d <= 0.01:
        agree += 1
        worst = max(worst, d)
        continue
    at_ase = [im.copy() for im in ours]
    for k, im in enumerate(at_ase):
        im.positions = theirs[k]
    f_ours, f_ase = objective(ours), objective(at_ase)
    if f_ours <= 1.005 * f_ase:
        other += 1
        print(f"known: {job['id']}: {d:.3f} A from ASE's, another minimum "
              f"(objective {f_ours:.6f}, ASE's {f_ase:.6f})")
        continue
    bad += 1
    print(f"{job['id']}: an atom is {d:.4f} A from ASE's (objective {f_ours:.6f}, ASE's {f_ase:.6f})")
print(f"idpp: {len(jobs)} paths, {agree} within 0.01 A of ASE (worst {worst:.5f} A), "
      f"{other} in another minimum, {bad} different")
sys.exit(1 if bad or not jobs else 0)
