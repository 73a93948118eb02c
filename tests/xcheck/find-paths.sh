#!/bin/sh
# find-paths over the corpus: the distinct hops of F in every fluoride and
# of Cl, Br, I in every halide agree with pymatgen-analysis-diffusion's
# DistinctPathFinder (recorded in ref/, see README.md), except the listed
# structures, whose reason is checked again on every run.
. "$(dirname "$0")/../lib.sh"

[ -n "$SHARED" ] || skip_all "$SHARED_MISSING"
have_pymatgen || skip_all "python3 not usable for the comparison script"
export C=$SHARED/data/structures XC=$TOP/tests/xcheck

for ion in F Cl Br I; do
	expect "distinct-hops-$ion" 0 "fetch-structures -q \$C > s.jsonl && find-paths -q -k --ion $ion -n 0 s.jsonl > p.jsonl &&
		$PYTHON \$XC/compare_dpf.py \$XC/ref/dpf_cutoff5.tsv $ion p.jsonl \$XC/ref/dpf_known_differences.tsv | tail -n 1" \
		"~^$ion: [0-9]+ structures, [0-9]+ agree, [0-9]+ differ as listed, 0 unexplained" ''
done
# the same hops however the cell is cut: every fluoride as a 2x1x1 supercell
# with its origin shifted and its sites reversed gives the same lengths and
# hops per F as its own cell
expect supercells-agree 0 "fetch-structures -q \$C/fluorides > a.jsonl &&
	$PYTHON \$XC/supercell_records.py 2 1 1 < a.jsonl > b.jsonl &&
	find-paths -q -n 0 a.jsonl > pa.jsonl && find-paths -q -n 0 b.jsonl > pb.jsonl &&
	$PYTHON \$XC/same_hops.py pa.jsonl pb.jsonl" '~^447 structures, 447 give the same hops$' ''

finish
