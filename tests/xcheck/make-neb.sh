#!/bin/sh
# make-neb on corpus hops: IDPP images against ASE's IDPP (recorded in
# ref/idpp_ase.json) and pymatgen-analysis-diffusion's IDPPSolver (recorded
# in ref/idpp_idppsolver.json), see README.md; the written POSCARs read back
# by pymatgen.
. "$(dirname "$0")/../lib.sh"

have_pymatgen || skip_all "python3-pymatgen not installed"
export D=$TOP/tests/data/structures XC=$TOP/tests/xcheck

# 15 hops of 8 fluorides in tests/data, 3 images, every atom moving
if "$PYTHON" -c 'import ase.neb' 2>/dev/null; then
	expect idpp-vs-ase 0 "fetch-structures -q \$D/mp-1138_LiF.cif \$D/mp-2741_CaF2.cif \$D/mp-3448_KMgF3.cif \$D/mp-1249_MgF2.cif \$D/mp-315_PbF2.cif \$D/mp-3700_LiYF4.cif \$D/mp-905_LaF3.cif \$D/mp-1103397_BaSnF4.cif |
		sed 's|\"source\":\"[^\"]*\"|\"source\":\"x\"|' | find-paths -q -n 2 | make-neb -k -q -d calcs -t neb -i 3 --idpp > jobs.jsonl 2> err;
		$PYTHON \$XC/idpp_ase.py jobs.jsonl \$XC/ref/idpp_ase.json | tail -n 1" \
		'~^idpp: 15 paths, 1[3-5] within 0.01 A of ASE \(worst 0\.00[0-9]+ A\), [0-2] in another minimum, 0 different$' ''
else
	echo "$name: SKIPPED: idpp-vs-ase: python3-ase not installed"
fi

[ -n "$SHARED" ] || { echo "$name: SKIPPED: the corpus tests: $SHARED_MISSING"; finish; exit; }
export F=$SHARED/data/structures/fluorides
# IDPPSolver's own descent from the same start: the same images where the
# objective is not flat (see README.md for the rest)
expect idpp-steepest-matches-idppsolver 0 "fetch-structures -q \$F/mp-1138_LiF.cif \$F/mp-2741_CaF2.cif \$F/mp-3448_KMgF3.cif \$F/mp-1249_MgF2.cif |
	sed 's|\"source\":\"[^\"]*\"|\"source\":\"x\"|' | find-paths -q -n 3 | make-neb -k -q -d calcs -t neb -i 3 --idpp-steepest > jobs.jsonl 2> err;
	$PYTHON \$XC/idpp_pymatgen.py jobs.jsonl \$XC/ref/idpp_idppsolver.json | tail -n 1" \
	'~^idpp: 9 paths, [5-9] within 0.01 A of IDPPSolver \(worst 0\.00[0-9]+ A\), 0 in another local minimum, [0-4] different$' ''
expect poscars-read-back 0 "fetch-structures -q \$F | head -n 40 | find-paths -q -n 2 | make-neb -k -q -d calcs > jobs.jsonl 2> err;
	$PYTHON \$XC/poscar_pymatgen.py jobs.jsonl | tail -n 1" '~^poscars: [0-9]+ jobs, [0-9]+ POSCARs read back by pymatgen, 0 problems$' ''

finish
