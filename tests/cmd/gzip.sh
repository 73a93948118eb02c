#!/bin/sh
# A gzip-compressed stage table gives every program the same output as the
# plain one (told by its magic bytes: on stdin too).
. "$(dirname "$0")/../lib.sh"

S="fetch-structures -q $DATA/structures/mp-2741_CaF2_sym.cif $DATA/structures/mp-1138_LiF_sym.cif"
expect find-paths 0 "$S > s && gzip -k s && find-paths -q --ion F -n 3 s > a && find-paths -q --ion F -n 3 s.gz > b && gzip -c s | find-paths -q --ion F -n 3 > c &&
	cmp a b && cmp a c && wc -l < a" '6
' ''
expect measure-rank 0 "$S | find-paths -q --ion F -n 3 > p && gzip -k p && measure -q p > a && measure -q -j 2 p.gz > b && cmp a b &&
	gzip -c a > a.gz && rank -b measures.bvse_barrier a > r1 && gzip -dc a.gz | gzip | rank -b measures.bvse_barrier > r2 && cmp r1 r2 &&
	rank -x a.gz a | wc -l" '0
' ''
expect make-neb-run-vasp 0 "$S | find-paths -q --ion F -n 1 > p && gzip -k p && make-neb -q -d c1 p > j1 && make-neb -q -d c2 p.gz > j2 &&
	sed s/c1/c2/g j1 | cmp - j2 && gzip -c j2 > j2.gz && run-vasp -s st add j2.gz && run-vasp -s st status | head -n 1" '~ready +2' 'run-vasp: 2 jobs added, 0 already known, 0 rejected
'
finish
