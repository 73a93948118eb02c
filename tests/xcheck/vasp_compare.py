"""hopkit's VASP readers against pymatgen's readings of the same files.

usage: vasp_compare.py VASP_DIR REFERENCE.tsv VASP_READ

VASP_READ (bench/vasp-read.c, built by make check) prints hopkit's reading
of each file; REFERENCE.tsv holds pymatgen's (make_vasp_reference.py).
Energies must agree to 1e-6 eV, counts and flags exactly; a file pymatgen
cannot read (None or error) must be an error for hopkit too.
"""
import subprocess
import sys

vdir, ref_path, tool = sys.argv[1:4]
ref = {}
for line in list(open(ref_path))[1:]:
    f, q, v = line.rstrip("\n").split("\t", 2)
    ref.setdefault(f, {})[q] = v
files = sorted(ref)
out = subprocess.run([tool] + [f"{vdir}/{f}" for f in files], capture_output=True, text=True, check=True).stdout
ours = {}
for line in out.splitlines():
    f, q, v = line.split("\t", 2)
    ours.setdefault(f[len(vdir) + 1:], {})[q] = v
n = bad = 0
for f in files:
    r, o = ref[f], ours.get(f, {})
    dead = "error" in r or r.get("final_energy") == "None"
    if dead:
        n += 1
        if "error" not in o:
            bad += 1
            print(f"{f}: pymatgen cannot read it, hopkit reads {o}")
        continue
    for q, v in r.items():
        if q in ("converged",):
            continue
        n += 1
        mine = o.get(q)
        if q in ("final_energy", "final_fr_energy", "final_energy_wo_entrp", "elapsed"):
            ok = mine is not None and abs(float(mine) - float(v)) <= 1e-6
        else:
            ok = mine == v
        if not ok:
            bad += 1
            print(f"{f} {q}: hopkit {mine} pymatgen {v}")
print(f"vasp: {n} values compared with pymatgen, " + ("all agree" if not bad else f"{bad} differ"))
sys.exit(1 if bad else 0)
