"""Cross-check fetch-structures records against pymatgen's own reader.

usage: fetch_pymatgen.py RECORDS.jsonl CORPUS_DIR

For every record: pymatgen's CifParser reads the same source file
(primitive=False, so the cell is the file's), and the lattice parameters
must agree to 1e-4 (A and degrees), the composition exactly, and the space
group of SpacegroupAnalyzer(symprec=0.1, angle_tolerance=5) exactly.
Prints one line per disagreement and a summary; exit 1 on any.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
from pymatgen.io.cif import CifParser  # noqa: E402
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer  # noqa: E402


def main():
    records, corpus = sys.argv[1], sys.argv[2]
    n = bad = 0
    for line in open(records):
        rec = json.loads(line)
        n += 1
        ref = CifParser(f"{corpus}/{rec['source']}").get_structures(primitive=False)[0]
        st = rec["structure"]
        from pymatgen.core import Lattice
        lat = Lattice(st["lattice"])
        problems = []
        for got, want, what in zip(lat.abc + lat.angles, ref.lattice.abc + ref.lattice.angles,
                                   ("a", "b", "c", "alpha", "beta", "gamma")):
            if abs(got - want) > 1e-4:
                problems.append(f"{what} {got:.6f} != {want:.6f}")
        comp = {}
        for s in st["species"]:
            comp[s] = comp.get(s, 0) + 1
        want_comp = {el.symbol: int(round(x)) for el, x in ref.composition.items()}
        if comp != want_comp:
            problems.append(f"composition {comp} != {want_comp}")
        sga = SpacegroupAnalyzer(ref, symprec=0.1, angle_tolerance=5)
        if sga.get_space_group_number() != rec["spacegroup"]["number"]:
            problems.append(f"spacegroup {rec['spacegroup']['number']} != {sga.get_space_group_number()}")
        if sga.get_space_group_symbol() != rec["spacegroup"]["symbol"]:
            problems.append(f"symbol {rec['spacegroup']['symbol']} != {sga.get_space_group_symbol()}")
        if rec["formula"] != ref.composition.reduced_formula:
            problems.append(f"formula {rec['formula']} != {ref.composition.reduced_formula}")
        if problems:
            bad += 1
            print(f"{rec['source']}: " + "; ".join(problems))
    print(f"pymatgen cross-check: {n} records, {n - bad} agree, {bad} differ")
    sys.exit(1 if bad or n == 0 else 0)


main()
