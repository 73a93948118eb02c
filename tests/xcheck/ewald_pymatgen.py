"""Ewald site energies of measure against pymatgen's EwaldSummation.

usage: ewald_pymatgen.py MEASURED.jsonl IMAGES_DIR

For every measured path with ewald_energies, reads IMAGES_DIR/<id>.json
(measure --write-images: the images with the oxidation states used) and
recomputes the moving ion's site energy in each image with pymatgen's
EwaldSummation (default accuracy) on the same charges.  Every energy must
agree to 1e-4 relative.  Exit 1 otherwise.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
from pymatgen.analysis.ewald import EwaldSummation  # noqa: E402
from pymatgen.core import Lattice, Structure  # noqa: E402

n = worst = 0.0
bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    mine = r["measures"].get("ewald_energies")
    if not mine:
        continue
    doc = json.load(open(f"{sys.argv[2]}/{r['id']}.json"))
    k = doc["mover"]
    for e_mine, im in zip(mine, doc["images"]):
        s = Structure(Lattice(im["lattice"]), im["species"], im["frac"])
        s.add_oxidation_state_by_site(im["oxidation_states"])
        e_ref = EwaldSummation(s).get_site_energy(k)
        rel = abs(e_mine - e_ref) / abs(e_ref)
        worst = max(worst, rel)
        n += 1
        if rel > 1e-4:
            bad += 1
            print(f"{r['id']}: hopkit {e_mine:.8f} eV, pymatgen {e_ref:.8f} eV")
print(f"ewald: {int(n)} site energies, worst relative difference {worst:.2e}, {bad} beyond 1e-4")
sys.exit(1 if bad or n == 0 else 0)
