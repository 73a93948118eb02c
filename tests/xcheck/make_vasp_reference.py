"""Record pymatgen's reading of every VASP output in the corpus.

usage: make_vasp_reference.py VASP_DIR > ref/vasp_pymatgen.tsv

Rows: file (relative to VASP_DIR), quantity, value, from pymatgen 2022.11.7:
Oszicar(...).final_energy and len(ionic_steps); Outcar(...).final_energy
(energy(sigma->0)), final_energy_wo_entrp, final_fr_energy (TOTEN) and
run_stats["Elapsed time (sec)"]; Vasprun(...).final_energy, converged,
converged_electronic, converged_ionic, len(ionic_steps).
"""
import os
import sys
import warnings

warnings.simplefilter("ignore")
from pymatgen.io.vasp.outputs import Oszicar, Outcar, Vasprun  # noqa: E402

root = sys.argv[1]
print("file\tquantity\tvalue")
for dirpath, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)
        if rel.startswith("errors"):
            continue
        try:
            if f.startswith("OSZICAR"):
                o = Oszicar(path)
                print(f"{rel}\tfinal_energy\t{o.final_energy!r}")
                print(f"{rel}\tionic_steps\t{len(o.ionic_steps)}")
            elif f.startswith("OUTCAR"):
                o = Outcar(path)
                print(f"{rel}\tfinal_energy\t{o.final_energy!r}")
                print(f"{rel}\tfinal_energy_wo_entrp\t{o.final_energy_wo_entrp!r}")
                print(f"{rel}\tfinal_fr_energy\t{o.final_fr_energy!r}")
                print(f"{rel}\telapsed\t{o.run_stats.get('Elapsed time (sec)')!r}")
            elif f.startswith("vasprun.xml"):
                v = Vasprun(path, parse_dos=False, parse_eigen=False, parse_potcar_file=False)
                print(f"{rel}\tfinal_energy\t{v.final_energy!r}")
                print(f"{rel}\tconverged\t{v.converged}")
                print(f"{rel}\tconverged_electronic\t{v.converged_electronic}")
                print(f"{rel}\tconverged_ionic\t{v.converged_ionic}")
                print(f"{rel}\tionic_steps\t{len(v.ionic_steps)}")
        except Exception as e:  # recorded, not hidden
            print(f"{rel}\terror\t{type(e).__name__}: {str(e)[:60]}")
