#!/bin/sh
# ff-calc's NEB directories, laid out as VTST's (00 ... N+1, the endpoints'
# OUTCARs in 00 and N+1), read by pymatgen's NEBAnalysis.from_dir: its
# barrier equals collect's, and the tangents and tangent forces it reads are
# the upwind tangent and the forces along it, recomputed by neb_pymatgen.py
# from the images' CONTCARs, energies and TOTAL-FORCE blocks.
. "$(dirname "$0")/../lib.sh"

have_pymatgen || skip_all "python3-pymatgen not installed"
export XC=$TOP/tests/xcheck

S='$DATA/structures'
# NEB jobs of the first hops of CaF2, LaF3 (two each) and LiF: make-neb -t neb OPTIONS
NEBS="{ fetch-structures $S/mp-2741_CaF2.cif $S/mp-905_LaF3.cif | find-paths -n 2 && fetch-structures $S/mp-1138_LiF.cif | find-paths -n 1; } > paths && make-neb -q -t neb -i 3 --idpp -d neb"
RUN="for d in neb/*; do (cd \$d && ff-calc -q \$FF) || exit 1; done && collect -q neb > n.jsonl && $PYTHON \$XC/neb_pymatgen.py n.jsonl neb/*"

expect climbing 0 "$NEBS --climb < paths > /dev/null && FF= && $RUN" \
	'ff-calc: 5 NEBs (15 images) read by NEBAnalysis, barriers, tangents and tangent forces agree
' ''
expect frozen 0 "$NEBS < paths > /dev/null && FF=--frozen && $RUN" \
	'ff-calc: 5 NEBs (15 images) read by NEBAnalysis, barriers, tangents and tangent forces agree
' ''
# NEBs prepared from shared endpoint relaxations (make-neb --relax-endpoints):
# 00 and 04 hold the relaxations' OUTCARs, which ff-calc leaves byte for byte
# (and adds nothing to), and NEBAnalysis reads for the endpoints' energies
PREP="make-neb -q -t neb -i 3 --idpp --climb --relax-endpoints -d neb < paths > /dev/null &&
	for d in neb/*vac*; do (cd \$d && ff-calc -q) || exit 1; done && hops=\$(ls -d neb/* | grep -v vac) && make-neb --prepare \$hops &&
	for d in \$hops; do mkdir -p kept/\$d && cp -r \$d/00 \$d/04 kept/\$d && (cd \$d && ff-calc -q) || exit 1; done &&
	for d in \$hops; do for e in 00 04; do diff -r kept/\$d/\$e \$d/\$e || exit 1; done; done && echo endpoints untouched &&
	collect -q \$hops > n.jsonl && $PYTHON \$XC/neb_pymatgen.py n.jsonl \$hops"
expect relaxed-endpoints 0 "$(echo "$NEBS" | sed 's/ && make-neb.*//') && $PREP" \
	'endpoints untouched
ff-calc: 5 NEBs (15 images) read by NEBAnalysis, barriers, tangents and tangent forces agree
' ''
# an image whose tangent force is not the one along its tangent is caught
WRONG="awk '/^ NEB: projections/ { \$NF = \"0.250000\" } { print }' neb/mp-2741.F.0/02/OUTCAR > o && mv o neb/mp-2741.F.0/02/OUTCAR"
expect catches-a-wrong-force 0 "$NEBS < paths > /dev/null && FF= && $RUN > /dev/null && $WRONG &&
	$PYTHON \$XC/neb_pymatgen.py n.jsonl neb/* | sed 's/ [-0-9.]*\$//'" \
	"neb/mp-2741.F.0/02: pymatgen's tangent force 0.250000, the forces along the tangent
ff-calc: 5 NEBs (15 images) read by NEBAnalysis, disagreements:
" ''

finish
