#!/bin/sh
# ff-calc's OSZICAR and OUTCAR read by an independent VASP parser
# (pymatgen's Oszicar and Outcar) give the energies collect reads.
. "$(dirname "$0")/../lib.sh"

have_pymatgen || skip_all "python3-pymatgen not installed"
export XC=$TOP/tests/xcheck

S='$DATA/structures'
expect pymatgen-reads-ff-calc 0 "fetch-structures $S/mp-2741_CaF2.cif $S/mp-1138_LiF.cif | find-paths -n 1 > paths &&
	make-neb -q -d static < paths > /dev/null && make-neb -q -t neb -i 3 --idpp -d neb < paths > /dev/null &&
	for d in static/*/start static/*/mid static/*/end neb/*; do (cd \$d && ff-calc -q) || exit 1; done &&
	collect -q static > s.jsonl && collect -q neb > n.jsonl &&
	$PYTHON \$XC/ff_parse.py s.jsonl static/* && $PYTHON \$XC/ff_parse.py n.jsonl neb/*" \
	'ff-calc: 6 images read by pymatgen, all agree
ff-calc: 10 images read by pymatgen, all agree
' ''

finish
