#!/bin/sh
# The DFT hierarchy's NEB tier end to end, ff-calc for VASP, on CaF2, LiF
# and PbF2: make-neb -t neb --relax-endpoints --climb, one run-vasp add of
# everything, one run-vasp topup --wait that relaxes the endpoints, then
# prepares and runs the NEBs with no step by hand; pymatgen's
# NEBAnalysis.from_dir reads every NEB directory, and its barrier (the
# highest energy less the first endpoint's) equals collect's to 1e-6 eV,
# its endpoints' energies the relaxations' (hierarchy_neb_pymatgen.py).
. "$(dirname "$0")/../lib.sh"

have_pymatgen || skip_all "python3-pymatgen not installed"
[ -n "$SHARED" ] || skip_all "$SHARED_MISSING"
export XC=$TOP/tests/xcheck

S='$DATA/structures'
# the first two hops of CaF2 and PbF2, LiF's first (its second, straight
# through an atom, is no NEB)
RUN="{ fetch-structures -q $S/mp-2741_CaF2.cif $S/mp-315_PbF2.cif | find-paths -q -n 2 && fetch-structures -q $S/mp-1138_LiF.cif | find-paths -q -n 1; } |
	make-neb -q -t neb -i 3 --idpp --climb --relax-endpoints -d calcs > jobs.jsonl && run-vasp -q add jobs.jsonl &&
	run-vasp -q topup --wait -n 2 --poll 0.05 -e local -c 'ff-calc -q' && collect -q -S jobs calcs > results.jsonl"
# every job ran once and is done; one relaxation per structure (each has
# one F orbit in its supercell), five hops
expect drains-without-a-step 0 "$RUN && run-vasp list --csv | awk -F, 'NR > 1 { k = \$1 ~ /vac/ ? \"relax\" : \"neb\"; n[k \" \" \$2 \",\" \$3]++ }
	END { for (s in n) print n[s], s }' | sort -k2" '5 neb done,1
3 relax done,1
' ''
expect barriers-equal-collect 0 "$RUN && $PYTHON \$XC/hierarchy_neb_pymatgen.py barrier results.jsonl" \
	'5 NEBs read by NEBAnalysis: barriers equal collect'"'"'s
' ''
expect endpoints-are-the-relaxations 0 "$RUN && $PYTHON \$XC/hierarchy_neb_pymatgen.py endpoints results.jsonl" \
	'5 NEBs read by NEBAnalysis: endpoints are the relaxations'"'"' energies
' ''
finish
