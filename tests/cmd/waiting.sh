#!/bin/sh
# run-vasp: jobs that wait for their parents.  make-neb --relax-endpoints'
# hops wait for the endpoint relaxations, are prepared from them once they
# are done and run; a parent that fails blocks them until it is retried.
# ff-calc stands in for VASP.
. "$(dirname "$0")/../lib.sh"

JOBS='fetch-structures -q $DATA/structures/mp-2741_CaF2.cif | find-paths -q -n 2 | make-neb -q -t neb -i 3 --idpp --climb --relax-endpoints -d calcs > jobs.jsonl'
KIND="grep '\"kind\":\"relax\"' jobs.jsonl > relax.jsonl && grep '\"kind\":\"neb\"' jobs.jsonl > neb.jsonl"
R=mp-2741.Fvac2.m166977b8
RUN="run-vasp -q topup -n 2 --wait --poll 0.05 -c 'ff-calc -q'"
# id, state, attempts of every job; each NEB's barrier
TRIES="run-vasp list --csv | cut -d, -f1-3 | sort"
BARRIERS="collect -S jobs calcs 2>/dev/null | grep -o '\"id\":\"mp-2741.F.[01]\"\\|\"energy_barrier\":[0-9]' | tr '\\n' ' '; echo"
# until the shell condition \$1 holds (at most 30 s): no sleep that can lose a race
POLL='poll() { k=0; until eval "$1"; do k=$((k+1)); [ $k -lt 600 ] || { echo "timed out: $1" >&2; return 1; }; sleep 0.05; done; }'

# registering: the hops wait, the relaxation is ready; list says for what
expect add-waits 0 "$JOBS && run-vasp -q add jobs.jsonl && ls jobs/ready jobs/waiting && run-vasp status | tail -n 2 &&
	run-vasp list | sed -n 3p | sed 's/  */ /g'" "jobs/ready:
001000000001.$R.json

jobs/waiting:
mp-2741.F.0.json
mp-2741.F.1.json
waiting 2
blocked 0
mp-2741.F.0 waiting 0 - - - - - - waiting for $R
" ''
expect add-again-known 0 "$JOBS && run-vasp -q add jobs.jsonl && run-vasp add jobs.jsonl" '' 'run-vasp: 0 jobs added, 3 already known, 0 rejected
'
expect add-bad-parents 1 "printf '{\"id\":\"x\",\"dir\":\"d\",\"parents\":\"p\"}\n{\"id\":\"y\",\"dir\":\"d\",\"parents\":[]}\n' > b.jsonl && run-vasp -q add b.jsonl" '' 'run-vasp: b.jsonl:1: record x: "parents" is a string, want an array
run-vasp: b.jsonl:2: job record y: "parents" is not an array of ids
'
# a parent never registered: the job waits, and topup has nothing to run
expect unknown-parent-waits 3 "$MKJOB -p d && printf '{\"id\":\"x\",\"dir\":\"d\",\"parents\":[\"nope\"]}\n' > b.jsonl && run-vasp -q add b.jsonl &&
	run-vasp -q topup -n 1; ls jobs/waiting; exit 3" 'x.json
' ''

# the whole output at once: relaxation, then both NEBs, no manual step;
# each runs once and each NEB gets a barrier
expect drains-all 0 "$JOBS && run-vasp -q add jobs.jsonl && $RUN && $TRIES && ls calcs/mp-2741.F.0 | tr '\\n' ' ' && echo && $BARRIERS" "id,state,attempts
mp-2741.F.0,done,1
mp-2741.F.1,done,1
$R,done,1
00 01 02 03 04 INCAR KPOINTS POTCAR.spec job.json run-vasp.log std_err.txt vasp.out 
\"id\":\"mp-2741.F.0\" \"energy_barrier\":0 \"id\":\"mp-2741.F.1\" \"energy_barrier\":0 
" ''

# the parent's run killed (kill -9) mid-run: sync stops its calculator, fails
# it and blocks its children, with its id; retried, with a calculator that works,
# it runs again and the children are prepared and run, once each
expect kill-9-blocks-retry-releases 0 "$JOBS && $POLL && run-vasp -q add jobs.jsonl && run-vasp -q topup -n 1 -c 'sleep 30' &&
	f=jobs/active/$R.json && poll 'grep -q calc_pgid \$f' && g=\$(grep -o '\"calc_pgid\":[0-9]*' \$f | cut -d: -f2) &&
	p=\$(grep -o '\"pid\":[0-9]*' \$f | head -n 1 | cut -d: -f2) && poll 'pgrep -g \$g sleep >/dev/null' && kill -9 \$p && poll '! kill -0 \$p 2>/dev/null' &&
	run-vasp -q sync && ls jobs/blocked && grep -ho '\"blocked_by\":\"[^\"]*\"' jobs/blocked/* && run-vasp list | sed -n 3p | sed 's/.*  //' &&
	run-vasp -q retry $R && ls jobs/waiting jobs/ready && $RUN && $TRIES && $BARRIERS" "mp-2741.F.0.json
mp-2741.F.1.json
\"blocked_by\":\"$R\"
\"blocked_by\":\"$R\"
blocked: parent $R did not finish
jobs/ready:
000999999999.$R.json

jobs/waiting:
mp-2741.F.0.json
mp-2741.F.1.json
id,state,attempts
mp-2741.F.0,done,1
mp-2741.F.1,done,1
$R,done,2
\"id\":\"mp-2741.F.0\" \"energy_barrier\":0 \"id\":\"mp-2741.F.1\" \"energy_barrier\":0 
" "~^run-vasp: $R: lost run: process [0-9]+ is gone; its calculator \\(process group [0-9]+\\) was still running: stopped\$"

# hops registered after their parent is done wait for the next sync; a
# preparation interrupted after its marker (the move to ready not made) and
# one interrupted before it (images without the marker) are finished there
expect settled-by-sync 0 "$JOBS && $KIND && run-vasp -q add relax.jsonl && $RUN && run-vasp -q add neb.jsonl && ls jobs/waiting &&
	make-neb --prepare calcs/mp-2741.F.0 && mkdir calcs/mp-2741.F.1/00 && touch calcs/mp-2741.F.1/00/junk && run-vasp -q sync && ls jobs/waiting jobs/ready &&
	ls calcs/mp-2741.F.1/00 | tr '\\n' ' ' && echo && $RUN && $TRIES" "mp-2741.F.0.json
mp-2741.F.1.json
jobs/ready:
001000000002.mp-2741.F.0.json
001000000003.mp-2741.F.1.json

jobs/waiting:
OSZICAR OUTCAR POSCAR 
id,state,attempts
mp-2741.F.0,done,1
mp-2741.F.1,done,1
$R,done,1
" ''
# job.json edited after add, before the hop is prepared: the field of the
# wrong type is named, and the hop is not prepared
expect prepare-checks-fields 0 "$JOBS && $KIND && run-vasp -q add relax.jsonl && $RUN && run-vasp -q add neb.jsonl &&
	sed -i 's/\"nimages\":3/\"nimages\":\"3\"/' calcs/mp-2741.F.1/job.json && run-vasp -q sync 2>&1 | sed \"s|\$PWD|D|\"; ls jobs/ready" "run-vasp: mp-2741.F.1: not prepared: D/calcs/mp-2741.F.1/job.json: \"nimages\" is a string, want an integer from 1 to 97
001000000002.mp-2741.F.0.json
" ''
# a hop that cannot be prepared (its parent's CONTCAR is gone) fails, why
# said; retried, it waits again and is prepared once the CONTCAR is back
expect prepare-fails-retry-waits 0 "$JOBS && $KIND && run-vasp -q add relax.jsonl && $RUN && mv calcs/$R/CONTCAR c && run-vasp -q add neb.jsonl && run-vasp -q sync 2> e;
	{ cat e && run-vasp list --state failed | sed -n 2p | sed 's/.*  //'; } | sed \"s|\$PWD|D|\" && mv c calcs/$R/CONTCAR && run-vasp -q retry mp-2741.F.0 && ls jobs/ready && $RUN && $TRIES | sed \"s|\$PWD|D|\"" "run-vasp: mp-2741.F.0: not prepared: D/calcs/$R: no CONTCAR (is the relaxation done?)
run-vasp: mp-2741.F.1: not prepared: D/calcs/$R: no CONTCAR (is the relaxation done?)
not prepared: D/calcs/$R: no CONTCAR (is the relaxation done?)
001000000002.mp-2741.F.0.json
id,state,attempts
mp-2741.F.0,done,1
mp-2741.F.1,failed,0
$R,done,1
" ""

finish
