#!/bin/sh
# find-paths: hops, options, bad input.
. "$(dirname "$0")/../lib.sh"

S='$DATA/structures'
rec() { echo "{\"id\":\"$1\",\"structure\":{\"lattice\":$2,\"species\":$3,\"frac\":$4}}"; }
CUBE='[[4,0,0],[0,4,0],[0,0,4]]'

expect help 0 'find-paths --help' '~^usage: find-paths' ''
expect version 0 'find-paths -V' '~^find-paths \(hopkit\)' ''
expect bad-cutoff 2 'find-paths --cutoff 0' '' "~^find-paths: invalid --cutoff '0'"
expect negative-cutoff 2 'find-paths -c -1' '' "~^find-paths: invalid --cutoff '-1'"
expect bad-ion 2 'find-paths --ion Qq' '' "~unknown element 'Qq'"
expect bad-jobs 2 'find-paths -j 0' '' "~invalid --jobs '0'"

expect lif-csv 0 "fetch-structures $S/mp-1138_LiF.cif | find-paths --csv" 'id,structure_id,formula,ion,length,multiplicity,nsites_777,dimensionality
mp-1138.F.0,mp-1138,LiF,F,2.88741857107146,6,54,3
mp-1138.F.1,mp-1138,LiF,F,4.083427033076504,3,54,3
mp-1138.F.2,mp-1138,LiF,F,5.001155771550527,12,54,3
' ''
expect caf2-fields 0 "fetch-structures $S/mp-2741_CaF2.cif | find-paths -n 1 | cut -c1-360" '{"id":"mp-2741.F.0","structure_id":"mp-2741","formula":"CaF2","ion":"F","length":2.7580257259917587,"multiplicity":6,"iindex":1,"eindex":2,"isite":[0.75,0.75,0.75],"msite":[0.5,0.5,1],"esite":[0.25,0.25,1.25],"dimensionality":3,"nsites_777":24,"nsites_101010":81,"nsites_121212":192,"supercell":{"matrix":[[-2,2,0],[0,0,2],[1,2,-2]],"nsites":36,"min_width":7.5
' ''
expect max-paths 0 "fetch-structures $S/mp-905_LaF3.cif > s && find-paths -n 0 s | wc -l && find-paths s | wc -l && find-paths -n 3 s | wc -l" '27
5
3
' ''
expect cutoff-and-ion 0 "fetch-structures $S/mp-905_LaF3.cif | find-paths --ion La -c 4.5 -n 0 --csv | cut -d, -f1,5 | sed 1d" 'mp-905.La.0,4.086435152618802
mp-905.La.1,4.243113242673095
mp-905.La.2,4.310569601331524
mp-905.La.3,4.409081180533257
' ''
expect percolating 0 "fetch-structures $S/mp-905_LaF3.cif | find-paths --percolating -n 0 --csv | cut -d, -f1,8 | sed 1d" 'mp-905.F.0,0
mp-905.F.1,1
' ''
expect percolating-3d 0 "fetch-structures $S/mp-905_LaF3.cif | find-paths --percolating --min-dim 3 -n 0 --csv | cut -d, -f1,8 | sed 1d" 'mp-905.F.0,0
mp-905.F.1,1
mp-905.F.2,3
' ''
expect one-atom-cell 0 "$(rec one '[[3,0,0],[0,3.5,0],[0,0,4]]' '["F"]' '[[0,0,0]]' | sed 's/"/\\"/g' | sed 's/^/echo "/; s/$/"/') | find-paths -n 0 --csv | cut -d, -f5,6,8 | sed 1d" '3,1,1
3.5,1,2
4,1,3
4.6097722286464435,2,3
5,2,3
' ''
expect no-ion-note 0 "fetch-structures $S/mp-1249_MgF2.cif | find-paths --ion Cl" '' 'find-paths: -:1: mp-1249 has no Cl sites
find-paths: 1 record; 1 with no output (has no Cl sites: 1)
'
expect no-ion-quiet 0 "fetch-structures $S/mp-1249_MgF2.cif | find-paths -q --ion Cl" '' ''
expect no-ion-strict 2 "fetch-structures $S/mp-1249_MgF2.cif | find-paths --strict --ion Cl" '' 'find-paths: -:1: mp-1249 has no Cl sites
'
expect spglib-fails 1 "{ echo '{\"id\":\"bad\",\"structure\":{\"lattice\":$CUBE,\"species\":[\"F\",\"F\"],\"frac\":[[0,0,0],[0.0001,0,0]]}}'; fetch-structures $S/mp-1138_LiF.cif; } | find-paths -k > o; s=\$?; wc -l < o; exit \$s" '3
' 'find-paths: -:1: bad: spglib failed: too close distance between atoms
find-paths: 2 records; skipped 1 bad record (spglib failed: 1)
'
expect bad-json-line 2 "{ fetch-structures $S/mp-1138_LiF.cif; echo '{\"id\":'; } > in && find-paths in > o; s=\$?; wc -l < o; exit \$s" '3
' 'find-paths: in:2:6: invalid JSON: unexpected token near end of file
'
expect bad-id 2 "echo '{\"id\":\"a/b\",\"structure\":{}}' | find-paths" '' "find-paths: -:1: invalid id 'a/b' (want 1-200 of [A-Za-z0-9._-])
"
expect singular 2 "echo '{\"id\":\"s\",\"structure\":{\"lattice\":[[1,0,0],[2,0,0],[0,0,1]],\"species\":[\"F\"],\"frac\":[[0,0,0]]}}' | find-paths" '' '~^find-paths: -:1: s: structure: lattice is singular'
expect jobs-same-output 0 "fetch-structures $S > s && find-paths -n 0 s > a && find-paths -n 0 -j 2 s > b && cmp a b && wc -l < a" '122
' ''
expect write-cif 0 "fetch-structures $S/mp-1138_LiF.cif | find-paths -n 1 --write-cif views > /dev/null && ls views && fetch-structures --min-distance 0 views | grep -o '\"formula\":\"[^\"]*\",\"nsites\":[0-9]*'" 'mp-1138.F.0.cif
"formula":"LiF6","nsites":7
' ''
expect supercell-twins 0 "fetch-structures $S/mp-1138_LiF.cif $S/mp-1138_LiF_sym.cif | find-paths --csv -c 4.6 | cut -d, -f5,6" 'length,multiplicity
2.88741857107146,6
4.083427033076504,3
2.8874190282462577,24
4.08342715,12
' ''

# a signal (not kill -9) leaves no -o temporary file behind (the shell may say "Terminated")
expect signal-leaves-no-tmp 0 "fetch-structures -q \$DATA/structures > s; (cat s; sleep 2) | find-paths -q -o sig.jsonl & p=\$!; sleep 0.5; kill -TERM \$p; wait \$p; echo \$?; ls" '143
s
' '*'
# kill -9 while the -o output is being written: the file there before is
# whole and unchanged (only a temporary file beside it may be left)
expect kill-9-keeps-output 0 "fetch-structures -q \$DATA/structures > s && echo old > out.jsonl && cp out.jsonl was &&
	(cat s; sleep 2) | find-paths -q -o out.jsonl & p=\$!; sleep 0.5; kill -9 \$p; wait \$p; echo \$?; cmp out.jsonl was && cat out.jsonl" '137
old
' '*'
# records of another stage: named, with what find-paths reads, exit 2 even with -k
expect wrong-stage-paths 2 "fetch-structures $S/mp-1138_LiF.cif | find-paths > p && find-paths -k p" '' "find-paths: p:1: a path record (find-paths' output); find-paths reads structure records (fetch-structures' output)
"
expect wrong-stage-later 2 "fetch-structures $S/mp-1138_LiF.cif > s && find-paths -n 1 s > p && cat s p | find-paths -n 1 > o; s=\$?; wc -l < o; exit \$s" '1
' "find-paths: -:2: a path record (find-paths' output); find-paths reads structure records (fetch-structures' output)
"
expect no-ion-summary-quiet 1 "{ echo '{\"id\":\"x\",\"structure\":{}}'; fetch-structures $S/mp-1249_MgF2.cif; } | find-paths -q -k --ion Cl" '' '~^find-paths: 2 records; 1 with no output \(has no Cl sites: 1\); skipped 1 bad record \(structure: 1\)$'

finish
