"""Percolation dimensionality of measure against pymatgen's Larsen algorithm.

usage: larsen_pymatgen.py MEASURED.jsonl

MEASURED.jsonl comes from measure --network, which adds the exact edges it
percolated: measures.network.family_edges (the hop's symmetry family) and
cumulative_edges (every family no longer than the hop), each as (site,
site, lattice image) of the record's structure.  The same graphs are built
as pymatgen StructureGraphs and
pymatgen.analysis.dimensionality.get_dimensionality_larsen must give
measures.dimensionality and measures.dimensionality_cumlengths.  Exit 1 on
a difference.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
from pymatgen.analysis.dimensionality import get_dimensionality_larsen  # noqa: E402
from pymatgen.analysis.graphs import StructureGraph  # noqa: E402
from pymatgen.core import Lattice, Structure  # noqa: E402


def larsen(st, edges):
    s = Structure(Lattice(st["lattice"]), st["species"], st["frac"])
    sg = StructureGraph.with_empty_graph(s)
    seen = set()
    for a, b, *t in edges:
        key = (a, b, tuple(t))
        rev = (b, a, tuple(-x for x in t))
        if key in seen or rev in seen:
            continue
        seen.add(key)
        sg.add_edge(a, b, from_jimage=(0, 0, 0), to_jimage=tuple(t), warn_duplicates=False)
    return get_dimensionality_larsen(sg)


n = bad = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    m = r["measures"]
    net = m.get("network")
    if net is None:
        skipped += 1
        continue
    for key, edges in (("dimensionality", net["family_edges"]), ("dimensionality_cumlengths", net["cumulative_edges"])):
        n += 1
        ref = larsen(r["structure"], edges)
        if ref != m[key]:
            bad += 1
            print(f"{r['id']} {key}: hopkit {m[key]} pymatgen {ref}")
print(f"larsen: {n} networks, {n - bad} agree with pymatgen ({skipped} records without a network)")
sys.exit(1 if bad or n == 0 else 0)
