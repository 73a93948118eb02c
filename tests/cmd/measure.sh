#!/bin/sh
# measure: descriptors, partial failures, bad input.
. "$(dirname "$0")/../lib.sh"

S='$DATA/structures'
P="fetch-structures $S/mp-2741_CaF2.cif | find-paths -n 1"

expect help 0 'measure --help' '~^usage: measure' ''
expect version 0 'measure -V' '~^measure \(hopkit\)' ''
# rock salt's second F-F hop runs straight through a Li site: IDPP starts
# from a path bent around it, converges, and every descriptor has a value
expect detour-through-cation 0 "fetch-structures -q $DATA/structures/mp-1138_LiF.cif | find-paths -q -n 2 | measure -q |
	jq -c '[.id, .measures.idpp.start, .measures.idpp.converged, (.measures.errors | length), (.measures.images_closest | min > 1.2)]'" \
	'["mp-1138.F.0","linear",true,0,true]
["mp-1138.F.1","detour",true,0,true]
' ''
expect bad-only 2 'measure --only nonsense' '' "~^measure: unknown measure 'nonsense'"
expect bad-images 2 'measure --images 0' '' "~^measure: invalid --images '0'"
expect no-tables 2 "HOPKIT_SHARE=/nonexistent sh -c 'cp $TOP/bin/measure . && ./measure < /dev/null'" '' '~^measure: data file bv/brese-okeeffe-1991.tsv not found'

expect caf2 0 "$P | measure | grep -o '\"measures\":{\"oxidation_state\":[^,]*,\"oxidation_states\":[^]]*\\],\"dimensionality\":[0-9],\"dimensionality_cumlengths\":[0-9]'" '"measures":{"oxidation_state":-1,"oxidation_states":[2,-1,-1],"dimensionality":3,"dimensionality_cumlengths":3
' ''
expect caf2-barrier 0 "$P | measure | grep -o '\"bvse_barrier\":0\\.50[0-9]*,' | cut -c1-21" '"bvse_barrier":0.5014
' ''
expect all-present 0 "$P | measure | grep -o '\"ewald_energy\":[0-9.e-]*\\|\"ionic_radii_overlap_cations\":[0-9.e-]*\\|\"ionic_radii_overlap_anions\":[0-9.e-]*\\|\"errors\":{}' | cut -d: -f1" '"ewald_energy"
"ionic_radii_overlap_cations"
"ionic_radii_overlap_anions"
"errors"
' ''
expect only 0 "$P | measure --only oxidation_state | grep -o '\"measures\":.*'" '"measures":{"oxidation_state":-1,"oxidation_states":[2,-1,-1],"errors":{}}}
' ''
expect passes-fields 0 "$P | measure --only dimensionality | grep -o '\"id\":\"mp-2741.F.0\",\"structure_id\":\"mp-2741\"'" '"id":"mp-2741.F.0","structure_id":"mp-2741"
' ''
expect no-hop-fields 0 "fetch-structures $S/mp-1138_LiF.cif | sed 's/\"id\":\"mp-1138\"/\"id\":\"x\",\"structure_id\":\"x\",\"iindex\":1/' | measure --only dimensionality | grep -o '\"measures\":.*'" '"measures":{"dimensionality":null,"dimensionality_cumlengths":null,"errors":{"dimensionality":"record has no hop (iindex, eindex, esite)","dimensionality_cumlengths":"record has no hop (iindex, eindex, esite)"}}}
' 'measure: 1 record; dimensionality, dimensionality_cumlengths null in 1 (record has no hop (iindex, eindex, esite): 1)
'
expect unbalanced 0 "echo '{\"id\":\"ff.F.0\",\"structure_id\":\"ff\",\"iindex\":0,\"eindex\":1,\"esite\":[0.5,0.5,0.5],\"structure\":{\"lattice\":[[3.5,0,0],[0,3.5,0],[0,0,3.5]],\"species\":[\"F\",\"F\"],\"frac\":[[0,0,0],[0.5,0.5,0.5]]}}' | measure --only oxidation_state,bvse_barrier | grep -o '\"errors\":{\"oxidation_state\":\"[^\"]*\"'" '"errors":{"oxidation_state":"no charge-balanced assignment of common oxidation states fits the bond-valence sums"
' 'measure: 1 record; oxidation_state, oxidation_states null in 1 (no charge-balanced assignment of common oxidation states fits the bond-valence sums: 1), bvse_barrier null in 1 (no oxidation states: 1)
'
expect missing-params 0 "fetch-structures $S/mp-1103397_BaSnF4.cif | find-paths -n 1 | measure --only bvse_barrier | grep -o '\"bvse_barrier\":\"[^\"]*\"'" '"bvse_barrier":"no softBV parameters for F- with Sn2+"
' 'measure: 1 record; bvse_barrier null in 1 (no softBV parameters: 1)
'
expect bad-structure 1 "{ echo '{\"id\":\"x\",\"structure_id\":\"x\"}'; $P; } | measure -k --only oxidation_state > o; s=\$?; wc -l < o; exit \$s" '1
' 'measure: -:1: structure: structure is not a JSON object
measure: 2 records; skipped 1 bad record (structure: 1)
'
expect bad-structure-stops 2 "{ echo '{\"id\":\"x\",\"structure_id\":\"x\"}'; $P; } | measure --only oxidation_state > o; s=\$?; wc -l < o; exit \$s" '0
' 'measure: -:1: structure: structure is not a JSON object
'
expect bad-json 1 "{ $P; echo '{oops'; } | measure -k --only oxidation_state > o; s=\$?; wc -l < o; exit \$s" '1
' "measure: -:2:5: invalid JSON: string or '}' expected near 'oops'
measure: 1 record; skipped 1 bad line (invalid JSON: 1)
"
expect jobs-same 0 "fetch-structures $S | find-paths -q -n 2 > p && measure p > a && measure -j 2 p 2> e2 > b && cmp a b && wc -l < a" '24
' '~^measure: 24 records; .* null in '
expect write-images 0 "$P | measure --only ewald_energy --write-images im > /dev/null && ls im && grep -o '\"mover\":[0-9]*' im/mp-2741.F.0.json" 'mp-2741.F.0.json
"mover":12
' ''

# No number beyond the bounds: a Ca2+ moved onto the hop (0.42 of the way) makes
# the start no minimum, 35 eV above the end; the barrier is null with the reason.
CLASH="$P | jq -c '.isite as \$a | .esite as \$b | .structure.frac[0] = [range(3) as \$k | \$a[\$k] + 0.42 * (\$b[\$k] - \$a[\$k])]'"
expect barrier-out-of-bounds 0 "$CLASH | measure --only bvse_barrier | jq -r '[.measures.bvse_barrier, .measures.bvse_profile, .measures.errors.bvse_barrier] | @json'" \
	'~^\[null,null,"softBV energy of image [0-9] is -?[0-9.]+ eV from the start.s, beyond 20 eV: not a barrier \(closest approach [0-9.]+ A in that image\)"\]$' \
	'~^measure: 1 record; bvse_barrier null in 1 \(softBV energy of image [0-9] is -?[0-9.]+ eV from the start.s, beyond 20 eV: 1\)$'
# Parameter tables: a bad row is a warning naming file and line, and is not used;
# a pair without a row nulls the barrier naming the pair.
SHARE="cp -r \$TOP/share sh && export HOPKIT_SHARE=\$PWD/sh"
CAF=$(grep -n "^F	-1	Ca	2	" share/bvse/softbv-anions.tsv | cut -d: -f1)
expect bad-table-row 0 "$SHARE && printf 'F\t-1\tCa\t2\t1.8\t2.2\t1.5\t1\n' >> sh/bvse/softbv-anions.tsv && $P | measure --only bvse_barrier 2> e | grep -o '\"bvse_barrier\":0\\.50[0-9]*,' | cut -c1-21; sed \"s|\$PWD/||\" e" \
	"\"bvse_barrier\":0.5014
measure: sh/bvse/softbv-anions.tsv:$(($(wc -l < share/bvse/softbv-anions.tsv) + 1)): a second row for the key of line $CAF; row not used
" ''
expect bad-table-alpha 0 "$SHARE && sed -i 's/^\(F\t-1\tCa\t2\t[^\t]*\t[^\t]*\t\)/\1-/' sh/bvse/softbv-anions.tsv && $P | measure --only bvse_barrier 2> e | jq -c '[.measures.bvse_barrier, .measures.errors]'; sed \"s|\$PWD/||\" e" \
	"[null,{\"bvse_barrier\":\"no softBV parameters for F- with Ca2+\"}]
measure: sh/bvse/softbv-anions.tsv:$CAF: alpha -2.141328 is outside (0, 10]: a Morse curve with no minimum; row not used
measure: 1 record; bvse_barrier null in 1 (no softBV parameters: 1)
" ''
expect table-no-rows 2 "$SHARE && printf 'element\tr\tc\n' > sh/bvse/../bv/brese-okeeffe-1991.tsv && measure < /dev/null 2> e; s=\$?; sed \"s|\$PWD/||\" e; exit \$s" \
	'measure: sh/bv/brese-okeeffe-1991.tsv: no usable row
' ''

# records of another stage are named, with what measure reads: exit 2, even with -k
expect wrong-stage 2 "fetch-structures $S/mp-2741_CaF2.cif > s.jsonl && measure -k s.jsonl > o; s=\$?; wc -l < o; exit \$s" '0
' "measure: s.jsonl:1: a structure record (fetch-structures' output); measure reads path records (find-paths' output)
"
expect wrong-stage-jobs 2 "$P | make-neb -q -d c | measure" '' "measure: -:1: a job record (make-neb's output); measure reads path records (find-paths' output)
"
expect measured-again 0 "$P | measure --only oxidation_state | measure --only dimensionality | grep -o '\"measures\":{[^,]*'" '"measures":{"dimensionality":3
' ''
expect quiet-nulls 0 "fetch-structures $S/mp-1103397_BaSnF4.cif | find-paths -n 1 | measure -q --only bvse_barrier | wc -l" '1
' ''

# progress on a terminal (script(1) gives one): alone, a redrawn line with the
# estimated total and the part read, cleared at the end (before the summary
# when there is one); never in the output
if command -v script > /dev/null; then
expect tty-progress 0 "fetch-structures -q $S | find-paths -q -n 2 > p && cat p p p p > p4 && script -qec 'measure --only ewald_energy p4 > o' /dev/null > tty; tr '\\r' '\\n' < tty | grep -c '^.\\[Kmeasure: [0-9]* of ~[0-9]* paths, [0-9]*%' | sed 's/^[1-9][0-9]*\$/shown/'; tr '\\r' '\\n' < tty | grep . | tail -n 1 | grep -c '^.\\[K\\(measure: 96 records; \\|\$\\)'; grep -c . o" 'shown
1
96
' ''
expect tty-quiet 0 "fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q > p && script -qec 'measure -q p > o' /dev/null > tty; wc -c < tty" '0
' ''
fi

finish
