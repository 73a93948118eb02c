"""The IDPP step of pymatgen-analysis-diffusion's IDPPSolver, timed alone.

usage: idpp_pymatgen.py FTOL MAXITER JOBDIR...

For each NEB job directory: 00 and N+1 read with pymatgen, interpolated
linearly (pbc=False, as make-neb writes the end unwrapped), then
IDPPSolver(images).run(maxiter=MAXITER, gtol=FTOL, tol=1e30) -- stopped by
the force alone, as hopkit's is.  Prints the paths, iterations are not exposed, and the
seconds spent in run().
"""
import glob
import os
import sys
import time
import warnings

warnings.simplefilter("ignore")
from pymatgen.analysis.diffusion.neb.pathfinder import IDPPSolver  # noqa: E402
from pymatgen.core import Structure  # noqa: E402

ftol, maxiter = float(sys.argv[1]), int(sys.argv[2])
total, n = 0.0, 0
for job in sys.argv[3:]:
    dirs = sorted(d for d in glob.glob(os.path.join(job, "[0-9][0-9]")) if os.path.isdir(d))
    if len(dirs) < 3:
        continue
    a = Structure.from_file(os.path.join(dirs[0], "POSCAR"))
    b = Structure.from_file(os.path.join(dirs[-1], "POSCAR"))
    solver = IDPPSolver(a.interpolate(b, nimages=len(dirs) - 1, pbc=False))
    t0 = time.perf_counter()
    solver.run(maxiter=maxiter, tol=1e30, gtol=ftol)
    total += time.perf_counter() - t0
    n += 1
print("%d paths %.6f s" % (n, total))
