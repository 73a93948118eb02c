#!/bin/sh
# The VASP readers over every output in ../shared/data/vasp against
# pymatgen's readings, recorded in ref/vasp_pymatgen.tsv (energies to 1e-6
# eV, ionic step counts and convergence flags exactly), and barriers of a
# job built from the real outputs against pymatgen's energies.
. "$(dirname "$0")/../lib.sh"

[ -n "$SHARED" ] || skip_all "$SHARED_MISSING"
have_pymatgen || skip_all "python3 not usable for the comparison script"
export V=$SHARED/data/vasp XC=$TOP/tests/xcheck

expect readers-match-pymatgen 0 "$PYTHON \$XC/vasp_compare.py \$V \$XC/ref/vasp_pymatgen.tsv $TOP/build/bench/vasp-read | tail -n 1" \
	'~^vasp: [0-9]+ values compared with pymatgen, all agree$' ''

finish
