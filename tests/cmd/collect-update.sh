#!/bin/sh
# collect -u: the results table as one current record per job, kept up to
# date while run-vasp works through the queue; suspect numbers marked.
. "$(dirname "$0")/../lib.sh"

# two CaF2 hops as make-neb writes them (static3), registered in ./jobs
MK='fetch-structures $DATA/structures/mp-2741_CaF2.cif | find-paths -n 2 | make-neb -q -t static3 > jobs.jsonl &&
	run-vasp add jobs.jsonl 2>/dev/null'
RUN="run-vasp topup -n 2 --wait --poll 0.05 -c 'ff-calc -q' 2>/dev/null"
FAIL="run-vasp topup -n 2 --wait --poll 0.05 -c false 2>/dev/null"
U='collect -u r.jsonl -S jobs calcs'
# id, run state and barrier (or none) of each record
ROWS="sed 's/.*\"id\":\"\\([^\"]*\\)\".*/\\1/' r.jsonl | sort | uniq -c | sed 's/^ *//' &&
	grep -c energy_barrier r.jsonl"

expect usage-u-with-o 2 'collect -u r.jsonl -o x calcs' '' '~^collect: -u writes its table: not with -o, -s or --csv'
expect usage-u-with-s 2 'collect -u r.jsonl -s r.jsonl calcs' '' '~not with -o, -s or --csv'
expect bad-state-dir 2 'collect -S nowhere -u r.jsonl calcs' '' '~^collect: --state nowhere: No such file'

# The loop the README recommends: a job enters when it is finished, never before.
expect queued-jobs-wait 0 "$MK && $U && test -f r.jsonl && wc -l < r.jsonl && $RUN && $U && $ROWS" '0
1 mp-2741.F.0
1 mp-2741.F.1
2
' 'collect: r.jsonl: 0 new, 0 replaced, 0 kept; 2 not finished
collect: r.jsonl: 2 new, 0 replaced, 0 kept; 0 not finished
'
expect unchanged-kept 0 "$MK && $RUN && $U && cp r.jsonl r1 && $U && cmp r.jsonl r1 && echo same" 'same
' 'collect: r.jsonl: 2 new, 0 replaced, 0 kept; 0 not finished
collect: r.jsonl: 0 new, 0 replaced, 2 kept; 0 not finished
'
# A failed job enters as failed with its cause, and a retry that ends done replaces it.
expect failed-then-done 0 "$MK && $FAIL && $U -q && grep -o '\"run_state\":\"failed\"' r.jsonl | uniq -c | sed 's/^ *//' &&
	grep -c '\"last_error\":\"start: the calculator exited' r.jsonl &&
	run-vasp retry --failed 2>/dev/null && $U -q && wc -l < r.jsonl && $RUN && $U -q && $ROWS && grep -c '\"run_state\":\"done\"' r.jsonl" '2 "run_state":"failed"
2
2
1 mp-2741.F.0
1 mp-2741.F.1
2
2
' ''
# Archived on the way: the record names the archive and stays when the directory is gone.
expect archived 0 "$MK && $RUN && $U -q && collect -q -u r.jsonl -S jobs -a arch calcs && ls calcs arch &&
	grep -c '\"archive\":\"arch/' r.jsonl && collect -u r.jsonl -S jobs calcs arch" 'arch:
mp-2741.F.0.tar.gz
mp-2741.F.1.tar.gz

calcs:
2
' 'collect: r.jsonl: 0 new, 0 replaced, 2 kept; 0 not finished
'
# Without a state directory a job is finished when its outputs are complete.
expect by-outputs 0 "$MK && $RUN && rm calcs/mp-2741.F.1/end/OUTCAR calcs/mp-2741.F.1/end/OSZICAR && collect -u r.jsonl calcs && $ROWS" '1 mp-2741.F.0
1
' 'collect: r.jsonl: 1 new, 0 replaced, 0 kept; 1 not finished
'
# A table appended to by hand: each id once, as its last record; other records kept.
expect duplicates-collapse 0 "$MK && $RUN && collect -q calcs > r.jsonl && collect -q calcs >> r.jsonl &&
	echo '{\"id\":\"other\",\"energy_barrier\":0.5}' >> r.jsonl && $U && $ROWS" '1 mp-2741.F.0
1 mp-2741.F.1
1 other
3
' 'collect: r.jsonl: 0 new, 2 replaced, 1 kept; 0 not finished
'
expect bad-table-kept 0 "$MK && $RUN && printf '{\"id\":\"a\"}\n{oops\n' > r.jsonl && cp r.jsonl r0 && { $U; test \$? -eq 2 && cmp r.jsonl r0 && ls; }" 'calcs
jobs
jobs.jsonl
r.jsonl
r0
' '~^collect: r.jsonl:2:5: invalid JSON'
# -s: only finished jobs not yet in the file, so appending loses none.
expect since-finished-only 0 "$MK && collect -q -s r.jsonl -S jobs calcs >> r.jsonl && wc -l < r.jsonl && $RUN &&
	collect -q -s r.jsonl -S jobs calcs >> r.jsonl && $ROWS" '0
1 mp-2741.F.0
1 mp-2741.F.1
2
' ''

# Suspect numbers: a static3 midpoint below its endpoints, an absurd energy per atom.
job() { # id natoms E_start E_mid E_end
	echo "mkdir -p $1/start $1/mid $1/end && echo '{\"id\":\"$1\",\"kind\":\"static3\",\"natoms\":$2}' > $1/job.json &&
	echo '   1 F= -.1E+01 E0= $3  d E =0.0' > $1/start/OSZICAR && echo '   1 F= -.1E+01 E0= $4  d E =0.0' > $1/mid/OSZICAR &&
	echo '   1 F= -.1E+01 E0= $5  d E =0.0' > $1/end/OSZICAR"
}
expect suspect-negative 0 "$(job n 10 -50.0 -50.5 -50.1) && collect n | grep -o '\"suspect\":\[[^]]*\]'" '"suspect":["a negative barrier, -0.4 eV (below -0.05 eV: the midpoint is lower than an endpoint)"]
' ''
expect suspect-energy 0 "$(job e 10 -7.7E+12 -7.7E+12 -7.7E+12) && collect e | grep -o '\"suspect\":\[[^]]*\]'" '"suspect":["an energy of -7.7e+11 eV per atom (beyond +-100 eV per atom)"]
' ''
expect not-suspect 0 "$(job g 10 -50.0 -49.6 -50.1) && collect g | grep -c suspect || :" '0
' ''
finish
