#!/bin/sh
# The VASP readers over every output in ../shared/data/vasp against
# pymatgen's readings, recorded in ref/vasp_pymatgen.tsv (energies to 1e-6
# eV, ionic step counts and convergence flags exactly), barriers of a job
# built from the real outputs against pymatgen's energies, and collect on
# every run of the tree.
. "$(dirname "$0")/../lib.sh"

[ -n "$SHARED" ] || skip_all "$SHARED_MISSING"
have_pymatgen || skip_all "python3 not usable for the comparison script"
export V=$SHARED/data/vasp XC=$TOP/tests/xcheck

expect readers-match-pymatgen 0 "$PYTHON \$XC/vasp_compare.py \$V \$XC/ref/vasp_pymatgen.tsv $TOP/build/bench/vasp-read | tail -n 1" \
	'~^vasp: [0-9]+ values compared with pymatgen, all agree$' ''

# collect on the whole tree: every run there (Si relaxation, custodian's
# static and non-converged runs, the ApproxNEB set with its numbered steps)
# with pymatgen's energy; the run whose files were cut short is reported
# with both causes and takes no other run with it.
expect any-run-matches-pymatgen 0 "(cd \$V/.. && collect -k vasp) > r.jsonl; echo \$?; $PYTHON \$XC/collect_runs_check.py vasp \$XC/ref/vasp_pymatgen.tsv < r.jsonl" \
	'0
no energy, as pymatgen: custodian_large_cell: vasp/custodian_large_cell/OUTCAR:961: OUTCAR has no energy (the run died or the file is truncated); vasp/custodian_large_cell/vasprun.xml:441: vasprun.xml is cut short (no </modeling>)
collect: 9 runs, 8 energies compared with pymatgen, 0 disagree, 1 without energy
' ''

finish
