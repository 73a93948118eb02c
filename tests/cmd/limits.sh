#!/bin/sh
# The input limits (hklimits.h): hostile inputs made here -- a zip bomb, a
# gzip bomb, a tar of 10^6 empty members, a 10 GB sparse member, a POSCAR
# declaring 10^7 atoms, a CIF of 3e5 sites -- are refused with a message
# naming the limit, in a few seconds and a bounded peak RSS; each
# HOPKIT_MAX_* variable raises its limit.
. "$(dirname "$0")/../lib.sh"

H="$PYTHON $TOP/tests/hostile.py"
$PYTHON -c 1 2>/dev/null || skip_all "no $PYTHON to make the hostile inputs"

# "bounded CMD...": run CMD, then fail unless it took under 10 s and (where
# /usr/bin/time can tell) under MAXRSS kB; sanitizers' shadow memory counts
if [ "${HOPKIT_SANITIZE:-0}" = 1 ]; then MAXRSS=600000; else MAXRSS=150000; fi
if [ -x /usr/bin/time ]; then
	B="/usr/bin/time -f '%e %M' -o .t"
	OK="tail -n 1 .t | awk '\$1 > 10 || \$2 > $MAXRSS { print \"took \" \$1 \" s, \" \$2 \" kB\"; exit 1 }' >&2"
else
	B="ulimit -v $((MAXRSS * 8)); timeout 10"
	OK=true
fi
# The status of the command, then its resources checked.
run() { echo "$B $1; s=\$?; $OK || exit 9; exit \$s"; }

L=10737418240	# 10 GiB
MB=1073741824	# HK_MAX_MEMBER_BYTES

expect zip-bomb 1 "$H zipbomb b.zip 10 && $(run 'fetch-structures -k b.zip')" '' "fetch-structures: b.zip:bomb.jsonl: declares more than $MB bytes: refused (HOPKIT_MAX_MEMBER_BYTES raises the limit)
fetch-structures: 0 written; skipped 1 bad structure (declares more than $MB bytes: 1)
"
expect gzip-bomb 1 "$H gzbomb b.jsonl.gz 10 && $(run 'fetch-structures -k b.jsonl.gz')" '' 'fetch-structures: b.jsonl.gz: expands more than 200 times, a decompression bomb: refused (HOPKIT_MAX_RATIO raises the limit)
fetch-structures: 0 written; skipped 1 bad structure (expands more than 200 times, a decompression bomb: 1)
'
expect gzip-bomb-ratio-raised 1 "$H gzbomb b.jsonl.gz 10 &&
	HOPKIT_MAX_RATIO=2000 HOPKIT_MAX_MEMBER_BYTES=64M $(run 'fetch-structures -k b.jsonl.gz')" '' 'fetch-structures: b.jsonl.gz: holds more than 67108864 bytes: refused (HOPKIT_MAX_MEMBER_BYTES raises the limit)
fetch-structures: 0 written; skipped 1 bad structure (holds more than 67108864 bytes: 1)
'
# the bomb in a job tarball: collect refuses the job
expect zip-bomb-collect 2 "mkdir -p j/start && echo '{\"id\":\"j\",\"kind\":\"static3\"}' > j/job.json &&
	$H gzbomb j/start/OUTCAR 10 && tar -cf j.tar.gz j && $(run 'collect j.tar.gz')" '' "~^collect: j.tar.gz: expands more than 200 times"

expect members-1e6 1 "$H members m.tar.gz 1000000 && ($(run 'fetch-structures -k m.tar.gz')) 2> e; s=\$?; wc -l < e; tail -n 2 e; exit \$s" '100002
fetch-structures: m.tar.gz: more than 100000 members: refused (HOPKIT_MAX_MEMBERS raises the limit)
fetch-structures: 0 written; skipped 100001 bad structures (empty file: 100000, more than 100000 members: 1)
' ''
expect members-1e6-collect 2 "$H members j.tar.gz 1000000 j/01/KPOINTS && $(run 'collect j.tar.gz')" '' 'collect: j.tar.gz: more than 100000 members: refused (HOPKIT_MAX_MEMBERS raises the limit)
'
expect members-raised 0 "$H members m.tar.gz 200000 x.txt && HOPKIT_MAX_MEMBERS=300k $(run 'fetch-structures -k m.tar.gz')" '' ''
expect archive-bytes 1 "mkdir d && fetch-structures -q $DATA/structures/mp-1138_LiF.cif > d/a.jsonl && cp d/a.jsonl d/b.jsonl &&
	tar -czf d.tgz d && HOPKIT_MAX_ARCHIVE_BYTES=500 fetch-structures -k d.tgz > o; s=\$?; wc -l < o; exit \$s" '1
' '~^fetch-structures: d.tgz: more than 500 bytes uncompressed: refused \(HOPKIT_MAX_ARCHIVE_BYTES raises the limit\)$'

if tar --version 2>/dev/null | grep -q GNU; then
	expect sparse-10g 1 "truncate -s $L big.cif && tar -S -cf s.tar big.cif && rm big.cif && $(run 'fetch-structures -k s.tar')" '' "fetch-structures: s.tar:big.cif: declares more than $MB bytes: refused (HOPKIT_MAX_MEMBER_BYTES raises the limit)
fetch-structures: 0 written; skipped 1 bad structure (declares more than $MB bytes: 1)
"
	expect sparse-10g-collect 2 "mkdir -p j/start && echo '{\"id\":\"j\",\"kind\":\"static3\"}' > j/job.json && truncate -s $L j/start/OUTCAR &&
		tar -S -czf j.tar.gz j && rm -r j && $(run 'collect j.tar.gz')" '' "collect: j.tar.gz:j/start/OUTCAR: declares more than $MB bytes: refused (HOPKIT_MAX_MEMBER_BYTES raises the limit)
"
fi

# atoms: a declared count is checked before anything is allocated for it
POS="printf 'big\n1.0\n10 0 0\n0 10 0\n0 0 10\nNa\n10000000\nDirect\n0 0 0\n' > POSCAR"
expect atoms-poscar-1e7 1 "$POS && $(run 'fetch-structures -k POSCAR')" '' 'fetch-structures: POSCAR:7: 10000000 atoms, more than 10000: refused (HOPKIT_MAX_ATOMS raises the limit)
fetch-structures: 0 written; skipped 1 bad structure (10000000 atoms, more than 10000: 1)
'
expect atoms-cif-3e5 1 "{ printf 'data_x\n_cell_length_a 100\n_cell_length_b 100\n_cell_length_c 100\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\nloop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n';
	awk 'BEGIN { for (i = 0; i < 300000; i++) printf \"Na %.6f %.6f %.6f\\n\", (i % 67) / 67, int(i / 67) % 67 / 67, int(i / 4489) / 67 }'; } > h.cif &&
	$(run 'fetch-structures -k h.cif')" '' 'fetch-structures: h.cif:8: more than 10000 atoms: refused (HOPKIT_MAX_ATOMS raises the limit)
fetch-structures: 0 written; skipped 1 bad structure (more than 10000 atoms: 1)
'
expect atoms-override 0 "HOPKIT_MAX_ATOMS=7 fetch-structures -k $DATA/vasp/POSCAR.NaCl 2>&1 | head -n 1;
	HOPKIT_MAX_ATOMS=8 fetch-structures $DATA/vasp/POSCAR.NaCl | wc -l" 'fetch-structures: '"$DATA"'/vasp/POSCAR.NaCl:7: 8 atoms, more than 7: refused (HOPKIT_MAX_ATOMS raises the limit)
1
' ''
expect atoms-cif-override 0 "HOPKIT_MAX_ATOMS=1 fetch-structures -k $DATA/structures/mp-1138_LiF.cif 2>&1 | head -n 1 | sed 's/.*: more/more/';
	fetch-structures -k $DATA/structures/mp-1138_LiF.cif | wc -l" 'more than 1 atoms: refused (HOPKIT_MAX_ATOMS raises the limit)
1
' ''

# line length: records and structure files, the default and an override
expect line-100mb 2 "head -c 100000000 /dev/zero | tr '\\0' x | ($(run 'find-paths'))" '' 'find-paths: -:1: line longer than 67108864 bytes
'
expect line-override 0 "fetch-structures -q $DATA/structures/mp-1138_LiF.cif > r.jsonl && find-paths -q --ion F < r.jsonl | wc -l &&
	HOPKIT_MAX_LINE=100 find-paths -q --ion F < r.jsonl; echo \$?; HOPKIT_MAX_LINE=100 fetch-structures -q -k r.jsonl; echo \$?" '~^[1-9][0-9]*
2
1
$' 'find-paths: -:1: line longer than 100 bytes
fetch-structures: r.jsonl:1: line longer than 100 bytes
fetch-structures: 0 written; skipped 1 bad structure (line longer than 100 bytes: 1)
'

# nesting: Jansson's depth, not adjustable
expect nesting 2 "$PYTHON -c \"print('[' * 100000 + ']' * 100000)\" > d.jsonl && $(run 'find-paths < d.jsonl')" '' 'find-paths: -:1:2049: invalid JSON: maximum parsing depth reached near '"'['"'
'
expect nesting-fetch 1 "$PYTHON -c \"print('{\\\"a\\\":' * 5000 + '1' + '}' * 5000)\" > d.jsonl && fetch-structures -q -k d.jsonl" '' '~maximum parsing depth reached'

# images: VASP's two-digit image directories, not adjustable
expect images 2 "make-neb -t neb -i 98 < /dev/null" '' "~^make-neb: invalid --images '98'"

expect bad-variable 2 "HOPKIT_MAX_MEMBERS=lots fetch-structures < /dev/null" '' "fetch-structures: HOPKIT_MAX_MEMBERS='lots': want a positive number, maybe with k, M or G after it
"
finish
