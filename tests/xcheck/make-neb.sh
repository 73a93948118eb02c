#!/bin/sh
# make-neb on corpus hops: IDPP images against pymatgen-analysis-diffusion's
# IDPPSolver (recorded in ref/idpp_idppsolver.json, see README.md), and the
# written POSCARs read back by pymatgen.
. "$(dirname "$0")/../lib.sh"

[ -n "$SHARED" ] || skip_all "../shared/data not present (set HOPKIT_SHARED)"
have_pymatgen || skip_all "python3-pymatgen not installed"
export F=$SHARED/data/structures/fluorides XC=$TOP/tests/xcheck

expect idpp-vs-idppsolver 0 "fetch-structures -q \$F/mp-1138_LiF.cif \$F/mp-2741_CaF2.cif \$F/mp-3448_KMgF3.cif \$F/mp-1249_MgF2.cif |
	sed 's|\"source\":\"[^\"]*\"|\"source\":\"x\"|' | find-paths -q -n 3 | make-neb -k -q -d calcs -t neb -i 3 --idpp > jobs.jsonl 2> err;
	$PYTHON \$XC/idpp_pymatgen.py jobs.jsonl \$XC/ref/idpp_idppsolver.json | tail -n 1" \
	'~^idpp: 9 paths, [0-9] within 0.01 A of IDPPSolver \(worst [0-9.]+ A\), [0-9] in another local minimum, 0 different$' ''
# IDPPSolver's own descent from the same start: the same images where the
# objective is not flat (see README.md for the rest)
expect idpp-steepest-matches-idppsolver 0 "fetch-structures -q \$F/mp-1138_LiF.cif \$F/mp-2741_CaF2.cif \$F/mp-3448_KMgF3.cif \$F/mp-1249_MgF2.cif |
	sed 's|\"source\":\"[^\"]*\"|\"source\":\"x\"|' | find-paths -q -n 3 | make-neb -k -q -d calcs -t neb -i 3 --idpp-steepest > jobs.jsonl 2> err;
	$PYTHON \$XC/idpp_pymatgen.py jobs.jsonl \$XC/ref/idpp_idppsolver.json | tail -n 1" \
	'~^idpp: 9 paths, [5-9] within 0.01 A of IDPPSolver \(worst 0\.00[0-9]+ A\), 0 in another local minimum, [0-4] different$' ''
expect poscars-read-back 0 "fetch-structures -q \$F | head -n 40 | find-paths -q -n 2 | make-neb -k -q -d calcs > jobs.jsonl 2> err;
	$PYTHON \$XC/poscar_pymatgen.py jobs.jsonl | tail -n 1" '~^poscars: [0-9]+ jobs, [0-9]+ POSCARs read back by pymatgen, 0 problems$' ''

finish
