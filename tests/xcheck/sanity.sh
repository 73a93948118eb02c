#!/bin/sh
# No absurd number passes: measure over every structure of the corpus
# (fluorides with F-, the halides with each of their own Cl-, Br-, I-;
# the two shortest hops of each) writes no descriptor that is not finite or
# outside libcore/bounds.h's bounds, and gives every null its reason; the
# shipped parameter tables load with no row left out; ff-calc on a sample of
# static3 job directories (among them BaBr2, SrI2 and DyOF, whose softBV
# rows have no Morse minimum) either writes energies within the bounds or
# stops with a message, never an absurd energy with exit status 0.
. "$(dirname "$0")/../lib.sh"

[ -n "$SHARED" ] || skip_all "../shared/data not present (set HOPKIT_SHARED to the folder holding data/structures)"
export C=$SHARED/data/structures XC=$TOP/tests/xcheck

# the corpus's files for each ion, from its MANIFEST (subset, halogens), in $L/<ion>
L=$(mktemp -d) && trap 'rm -rf "$L"' EXIT
export L EMAX=$(sed -n 's/^#define HK_ENERGY_PER_ATOM_MAX *\([0-9.]*\).*/\1/p' "$TOP/libcore/bounds.h")
for ion in F Cl Br I; do
	awk -F'\t' -v ion=$ion 'NR > 1 && ($8 == "fluorides" && ion == "F" ||
	    $8 == "halides" && index("," $9 ",", "," ion ",")) { print ENVIRON["C"] "/" $1 }' "$C/MANIFEST.tsv" > "$L/$ion"
done
MEASURE='for ion in F Cl Br I; do
	xargs fetch-structures -q < $L/$ion | find-paths -q --ion $ion -n 2 | measure -q -j 2 > m.$ion.jsonl || exit 1; done'

expect corpus-within-bounds 0 "$MEASURE && $PYTHON \$XC/bounds_check.py \$TOP/libcore/bounds.h m.*.jsonl" \
	'~^bounds: [0-9]{4} records, [0-9]{3,4} barriers \(highest [0-9]+\.[0-9]{2} eV\), 0 problems$' ''

# a bromide or iodide of Ba or Sr has no softBV Morse term left: its barrier names the pair
expect pair-named 0 "grep -E '_BaBr2|_SrBr2' \$L/Br | xargs fetch-structures -q | find-paths -q --ion Br -n 1 |
	measure -q --only bvse_barrier | grep -o '\"bvse_barrier\":\"[^\"]*\"' | sort -u" \
	'"bvse_barrier":"no softBV parameters for Br- with Ba2+"
"bvse_barrier":"no softBV parameters for Br- with Sr2+"
' ''

# ff-calc on every 60th shortest hop of the fluorides and BaBr2, SrI2, DyOF:
# each image either ran with |E| per atom within the bound, or stopped with a message
FF="awk 'NR % 60 == 1' \$L/F > pick && { cat pick; ls \$C/halides/*_BaBr2.cif \$C/halides/*_SrI2.cif \$C/fluorides/*_DyOF.cif; } |
	xargs fetch-structures -q > s.jsonl && for ion in F Br I; do find-paths -q --ion \$ion -n 1 s.jsonl; done | make-neb -q -d calcs > jobs.jsonl &&
	for d in calcs/*/start calcs/*/mid calcs/*/end; do
		if (cd \$d && ff-calc -q 2> err); then
			n=\$(sed -n 7p \$d/POSCAR | awk '{ for (i = 1; i <= NF; i++) s += \$i; print s }')
			awk -v n=\$n -v m=\$EMAX '/F=/ { e = \$3 } END { a = e / n; if (a < 0) a = -a; print (NR > 0 && a <= m) ? \"within\" : \"ABSURD \" e }' \$d/OSZICAR
		else
			grep -q '^ff-calc: .' \$d/err && echo stopped || echo 'SILENT FAILURE'
		fi
	done | sort | uniq -c | awk '{ print \$2, \$3 }'"
expect ff-calc-sample 0 "$FF" 'stopped 
within 
' ''

finish
