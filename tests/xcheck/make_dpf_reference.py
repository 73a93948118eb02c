"""Record pymatgen-analysis-diffusion's DistinctPathFinder results as a table.

usage: PYTHONPATH=<pymatgen-analysis-diffusion checkout> \
       python3 make_dpf_reference.py CORPUS_DIR MANIFEST.tsv > ref/dpf_cutoff5.tsv

For every CIF of the fluorides/ and halides/ subsets of the corpus and every
halogen it contains (F for fluorides; Cl, Br, I for halides, as named in the
MANIFEST's halogens column), runs DistinctPathFinder(structure, ion,
max_path_length=5.0, symprec=0.1, perc_mode=None).get_paths() on the
structure as pymatgen's CifParser reads it, and writes one row: file, ion,
number of distinct hops, their lengths sorted (A, 6 decimals, comma-separated).
The reference is generated once, with the tool named in the README beside it,
and the table is what the tests read.
"""
import sys
import warnings

warnings.simplefilter("ignore")
from pymatgen.analysis.diffusion.neb.pathfinder import DistinctPathFinder  # noqa: E402
from pymatgen.core import Structure  # noqa: E402

corpus, manifest = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(manifest)]
head = rows[0]
col = {k: i for i, k in enumerate(head)}
print("file\tion\tcount\tlengths")
for r in rows[1:]:
    if r[col["subset"]] not in ("fluorides", "halides"):
        continue
    ions = ["F"] if r[col["subset"]] == "fluorides" else \
        [x for x in r[col["halogens"]].split(",") if x in ("Cl", "Br", "I")]
    s = Structure.from_file(f"{corpus}/{r[col['file']]}")
    for ion in ions:
        try:
            paths = DistinctPathFinder(s, ion, max_path_length=5.0, symprec=0.1, perc_mode=None).get_paths()
            lengths = sorted(p.length for p in paths)
            print(f"{r[col['file']]}\t{ion}\t{len(lengths)}\t" + ",".join(f"{x:.6f}" for x in lengths))
        except Exception as e:  # the reference itself failing is recorded, not hidden
            print(f"{r[col['file']]}\t{ion}\terror\t{type(e).__name__}: {str(e)[:80]}")
    sys.stdout.flush()
