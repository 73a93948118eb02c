#!/bin/sh
# measure over the fluorides of the corpus: oxidation states against
# pymatgen's BVAnalyzer (at least 95 %), Ewald site energies against
# pymatgen's EwaldSummation (1e-4 relative), and the Larsen dimensionality
# of the exact hop networks against pymatgen's get_dimensionality_larsen.
. "$(dirname "$0")/../lib.sh"

[ -n "$SHARED" ] || skip_all "$SHARED_MISSING"
have_pymatgen || skip_all "python3-pymatgen not installed"
export C=$SHARED/data/structures XC=$TOP/tests/xcheck

expect oxidation-states 0 "fetch-structures -q \$C/fluorides > s.jsonl && find-paths -q -n 1 s.jsonl |
	measure -j 2 --only oxidation_state > m.jsonl && sed 's|\"source\":\"|\"source\":\"fluorides/|' m.jsonl > m2.jsonl &&
	$PYTHON \$XC/oxidation_pymatgen.py m2.jsonl \$C | tail -n 1" '~^oxidation states: 447 structures, (44[5-7]|43[0-9]|42[5-9]) agree' \
	'~^measure: 447 records; oxidation_state, oxidation_states null in [0-9]+ \(no bond-valence'
# Ewald on the images of the first 60 fluorides' shortest hops (every image)
expect ewald-site-energies 0 "fetch-structures -q \$C/fluorides | head -n 60 | find-paths -q -n 1 |
	measure -j 2 --only ewald_energy --write-images im > m.jsonl && $PYTHON \$XC/ewald_pymatgen.py m.jsonl im | tail -n 1" \
	'~^ewald: [0-9]+ site energies, worst relative difference [0-9.e+-]+, 0 beyond 1e-4$' \
	'~^measure: 59 records; ewald_energy null in [0-9]+ \('
# Larsen on the first 120 fluorides, five hops each (pymatgen's graphs are slow)
expect larsen-dimensionality 0 "fetch-structures -q \$C/fluorides | head -n 120 | find-paths -q -n 5 |
	measure -j 2 --network --only dimensionality > m.jsonl && $PYTHON \$XC/larsen_pymatgen.py m.jsonl | tail -n 1" \
	'~^larsen: [0-9]+ networks, ([0-9]+) agree with pymatgen' ''

finish
