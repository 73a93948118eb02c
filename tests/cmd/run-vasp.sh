#!/bin/sh
# run-vasp: the job queue, error recovery from real VASP outputs, concurrent
# top-ups, kill -9 at random moments.  VASP is replayed by fake-vasp.
. "$(dirname "$0")/../lib.sh"

FAKE=$TOP/tests/cmd/fake-vasp
# two CaF2 hops as make-neb writes them, registered in ./jobs
MK='fetch-structures $DATA/structures/mp-2741_CaF2.cif | find-paths -n 2 | make-neb -q > jobs.jsonl &&
	cp -r calcs orig && run-vasp add jobs.jsonl 2>/dev/null'
WAIT='while [ -n "$(ls jobs/active)" ]; do sleep 0.1; done'

expect help 0 'run-vasp --help' '~^usage: run-vasp' ''
expect help-sub 0 'run-vasp help topup' '~--max-active|-n N' ''
expect no-command 2 'run-vasp' '' '~^usage: run-vasp'
expect bad-command 2 'run-vasp frobnicate' '' "~unknown command 'frobnicate'"
expect topup-needs-n 2 'run-vasp topup' '' '~usage: run-vasp topup'
expect bad-executor 2 'run-vasp topup -n 1 --poll 0.05 -e pbs' '' '~usage: run-vasp topup'

# registering: order kept, idempotent, bad records named by file and line
expect add 0 "$MK && run-vasp add jobs.jsonl && ls jobs/ready" '001000000001.mp-2741.F.0.json
001000000002.mp-2741.F.1.json
' 'run-vasp: 0 jobs added, 2 already known, 0 rejected
'
expect add-bad 0 "$MKJOB d && printf '{\"id\":\"x\"}\nnot json\n{\"id\":\"y\",\"dir\":\"d\"}\n' > b.jsonl && run-vasp add b.jsonl; echo \$?; ls jobs/ready" '1
001000000001.y.json
' 'run-vasp: b.jsonl:1: job record x has no "dir"
run-vasp: b.jsonl:2:3: invalid JSON: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'not'"'"'
run-vasp: 1 jobs added, 0 already known, 2 rejected
'
# strict: what could only fail once it runs is refused, each with its own
# line naming file:line; the good records around them are still added
# (static3, neb, relax, and an NEB waiting for its parents), and the exit
# status says some were not
STRICT="$MKJOB s3 noincar nostart nokp badkp nopot && $MKJOB -k neb -i 2 nb nebmiss noimg && $MKJOB -k relax rx &&
	$MKJOB -p -k neb -i 2 wt && : > file && rm noincar/mid/INCAR && rm -r nostart/start && rm nokp/end/KPOINTS &&
	printf 'k\n0\nGamma\n4 4\n' > badkp/start/KPOINTS && rm nopot/start/POTCAR.spec && rm -r nebmiss/02 && sed -i /IMAGES/d noimg/INCAR"
STRICT_JOBS='{"id":"x1","dir":"/nonexistent","kind":"weird"}
{"id":"g1","dir":"s3"}
{"id":"f1","dir":"file"}
{"id":"k1","dir":"s3","kind":"weird"}
{"id":"a/b","dir":"s3"}
{"id":"","dir":"s3"}
{"dir":"s3"}
{"id":"g1","dir":"s3"}
{"id":"g2","dir":"nb","kind":"neb"}
{"id":"r1","dir":"rx","kind":"relax"}
{"id":"m1","dir":"noincar"}
{"id":"m2","dir":"nostart","kind":"static3"}
{"id":"m3","dir":"nebmiss","kind":"neb"}
{"id":"m4","dir":"nokp"}
{"id":"m5","dir":"badkp"}
{"id":"m6","dir":"nopot"}
{"id":"m7","dir":"noimg","kind":"neb"}
{"id":"w1","dir":"wt","kind":"neb","parents":["r1"]}'
expect add-strict 0 "$STRICT && echo '$STRICT_JOBS' > in.jsonl && run-vasp add in.jsonl 2> err; echo \$?; ls jobs/ready jobs/waiting; sed \"s|\$PWD|.|\" err" '1
jobs/ready:
001000000001.g1.json
001000000002.g2.json
001000000003.r1.json

jobs/waiting:
w1.json
run-vasp: in.jsonl:1: job record x1: dir /nonexistent: No such file or directory
run-vasp: in.jsonl:3: job record f1: dir ./file is not a directory
run-vasp: in.jsonl:4: job record k1: unknown kind '"'"'weird'"'"' (want static3, neb or relax)
run-vasp: in.jsonl:5: invalid id '"'"'a/b'"'"' (want 1-200 of [A-Za-z0-9._-])
run-vasp: in.jsonl:6: invalid id '"'"''"'"' (want 1-200 of [A-Za-z0-9._-])
run-vasp: in.jsonl:7: record has no "id"
run-vasp: in.jsonl:8: job record g1: duplicate id (an earlier record of the input has it)
run-vasp: in.jsonl:11: job record m1: ./noincar/mid has no INCAR
run-vasp: in.jsonl:12: job record m2: ./nostart has no start (a static3 job runs in start, mid and end)
run-vasp: in.jsonl:13: job record m3: ./nebmiss has no 02/POSCAR (IMAGES = 2: images 00 to 03)
run-vasp: in.jsonl:14: job record m4: ./nokp/end has no KPOINTS
run-vasp: in.jsonl:15: job record m5: ./badkp/start/KPOINTS:4: KPOINTS: want three divisions, each 1 to 1000, on the mesh line
run-vasp: in.jsonl:16: job record m6: ./nopot/start has neither POTCAR nor POTCAR.spec
run-vasp: in.jsonl:17: job record m7: ./noimg/INCAR sets no IMAGES (an NEB needs 1 to 97)
run-vasp: 4 jobs added, 0 already known, 14 rejected
' ''
# an INCAR VASP reads without KPOINTS (KSPACING), and one it could not read
expect add-kspacing 0 "$MKJOB a b && for s in start mid end; do rm a/\$s/KPOINTS && echo 'KSPACING = 0.3' >> a/\$s/INCAR; done &&
	echo 'ENCUT 520' >> b/mid/INCAR && printf '%s\n' '{\"id\":\"a\",\"dir\":\"a\"}' '{\"id\":\"b\",\"dir\":\"b\"}' > in.jsonl &&
	run-vasp add in.jsonl 2>&1 | sed \"s|\$PWD|.|\"" 'run-vasp: in.jsonl:2: job record b: ./b/mid/INCAR:2: '"'"'ENCUT 520'"'"' is not KEY = VALUE
run-vasp: 1 jobs added, 0 already known, 1 rejected
' ''
# a state file broken by hand is listed, with why, not left out
expect list-unreadable 0 "$MKJOB a b && printf '%s\\n' '{\"id\":\"a\",\"dir\":\"a\"}' '{\"id\":\"b\",\"dir\":\"b\"}' > in.jsonl &&
	run-vasp -q add in.jsonl && echo garbage > jobs/ready/001000000002.b.json && run-vasp list --csv | cut -d, -f1,2,10 | sed \"s|\$PWD|.|\"" 'id,state,last_error
a,ready,
b,ready,unreadable state file: ./jobs/ready/001000000002.b.json: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'garbage'"'"'
' ''
# status and show of a state file broken by hand, or with a field of the wrong type: why, not "no such job"
expect status-unreadable 0 "$MKJOB a b && printf '%s\\n' '{\"id\":\"a\",\"dir\":\"a\"}' '{\"id\":\"b\",\"dir\":\"b\"}' > in.jsonl &&
	run-vasp -q add in.jsonl && echo garbage > jobs/ready/001000000001.a.json && sed -i 's/\"attempts\":0/\"attempts\":\"x\"/' jobs/ready/001000000002.b.json &&
	run-vasp status a b | sed \"s|\$PWD|.|\"; run-vasp show b | sed \"s|\$PWD|.|\" | head -n 5" '{"id":"a","last_error":"unreadable state file: ./jobs/ready/001000000001.a.json: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'garbage'"'"'","state":"ready"}
{"id":"b","last_error":"unreadable state file: ./jobs/ready/001000000002.b.json: \"attempts\" is a string, want an integer from 0 to 2147483647","state":"ready"}
b: ready
dir: ?
kind: ?
attempts: 0
last error: unreadable state file: ./jobs/ready/001000000002.b.json: "attempts" is a string, want an integer from 0 to 2147483647
' ''
# a known job is left alone, even when its directory went away since
expect add-known-not-checked-again 0 "$MKJOB d && echo '{\"id\":\"y\",\"dir\":\"d\"}' > a.jsonl && run-vasp -q add a.jsonl && rm -r d && run-vasp add a.jsonl" '' 'run-vasp: 0 jobs added, 1 already known, 0 rejected
'

expect status-counts 0 "$MK && run-vasp status" 'ready 2
queued 0
running 0
done 0
failed 0
aborted 0
waiting 0
blocked 0
' ''
expect topup-none-ready 3 "$MK && run-vasp forget mp-2741.F.0 mp-2741.F.1 && run-vasp topup -n 4" '' 'run-vasp: 0 started, 0 active, 0 ready
'

# --wait: top up until nothing is ready or active, one job at a time
expect wait-drains 0 "$MK && run-vasp topup --wait -n 1 --poll 0.05 -c $FAKE && run-vasp status | head -n 5 | tr '\n' ' '" \
	'ready 0 queued 0 running 0 done 2 failed 0 ' '~run-vasp: 2 started, queue drained$'
expect wait-failures 0 "$MK && run-vasp -q topup --wait -n 2 --poll 0.05 -c false && run-vasp status | sed -n 4,5p | tr '\n' ' '" \
	'done 0 failed 2 ' ''
expect wait-needs-room 2 'run-vasp topup --wait -n 0' '' '~usage: run-vasp topup'

# a Slurm configuration value that is not a number stops the top-up before sbatch
expect slurm-config-not-a-number 0 "$MK && printf '# nodes and tasks\n* nodes 2\n* ntasks x4\n' > sc &&
	run-vasp topup -n 1 -e slurm --slurm-config sc -c true; echo \$?; ls jobs/ready" '1
001000000001.mp-2741.F.0.json
001000000002.mp-2741.F.1.json
' "run-vasp: mp-2741.F.0: not started: sc:3: ntasks 'x4' is not a whole number
run-vasp: 0 started, 0 active, 2 ready
"

# the whole file is read strictly: a misspelt key, a key given twice, a
# line for a misspelt kind or a file not there stops every job before sbatch
bad_conf() { # name file-text message
	expect "slurm-config-$1" 0 "$MK && printf '$2\\n' > sc &&
	run-vasp topup -n 1 -e slurm --slurm-config sc -c true; echo \$?; ls jobs/ready | wc -l" '1
2
' "run-vasp: mp-2741.F.0: not started: $3
run-vasp: 0 started, 0 active, 2 ready
"
}
bad_conf misspelt-key '* partiton short' "sc:1: unknown key 'partiton' (partition, account, time, nodes, ntasks or line)"
bad_conf twice 'neb nodes 2\nneb nodes 4' 'sc:2: neb nodes given twice (first on line 1)'
bad_conf misspelt-kind 'nbe time 10' "sc:1: unknown job kind 'nbe' (static3, neb, relax, shard or *)"
bad_conf shard-ntasks 'shard ntasks 4' 'sc:1: shard ntasks: a part of a cheap stage is one process on one node (its CPUs: shard run -c)'
bad_conf bad-time 'static3 time 4h' "sc:1: time '4h' is not a Slurm time (minutes, [days-]hours:minutes:seconds, ...)"
bad_conf crlf '* nodes 2\r' 'sc:1: control character 0x0d in column 10 (a DOS line end?)'
expect slurm-config-missing 0 "$MK && run-vasp topup -n 1 -e slurm --slurm-config nosuch -c true; echo \$?" '1
' "run-vasp: mp-2741.F.0: not started: nosuch: No such file or directory
run-vasp: 0 started, 0 active, 2 ready
"

# a clean run ends done, and collect reads it
expect clean-run 0 "$MK && run-vasp topup -n 1 --poll 0.05 -c $FAKE 2>/dev/null && $WAIT && ls jobs/done &&
	run-vasp list --csv | cut -d, -f1-3 && collect -q calcs/mp-2741.F.0 | grep -o '\"state\":\"done\"'" 'mp-2741.F.0.json
id,state,attempts
mp-2741.F.1,ready,0
mp-2741.F.0,done,1
"state":"done"
' ''

# Each recorded error is detected and corrected; the job then finishes.
# Shown: the final state, what changed in start/INCAR and KPOINTS, the backups.
# The INCAR sets ISYM and ISMEAR that the symmetry and smearing corrections change.
replay() { # error-file expected [make-neb options]
	expect "replay-$1" 0 "$(echo "$MK" | sed "s/make-neb -q/make-neb -q -I ISYM=2 -I ISMEAR=-5 ${3:-}/") && FAKE_ERR=\$DATA/vasp/errors/$1 run-vasp topup -n 1 --poll 0.05 -c $FAKE 2>/dev/null && $WAIT &&
		ls -d jobs/*/mp-2741.F.0.json; for f in INCAR KPOINTS; do diff orig/mp-2741.F.0/start/\$f calcs/mp-2741.F.0/start/\$f | grep '^>'; done;
		ls calcs/mp-2741.F.0/start | grep error;
		grep -o '\"image\":\"start\",\"error\":\"[^\"]*\",\"actions\":\"[^\"]*\"' jobs/*/mp-2741.F.0.json;
		grep -o '\"last_error\":\"[^\"]*\"' jobs/*/mp-2741.F.0.json || :" "$2" ''
}

replay aliasing_vasp.aliasing 'jobs/done/mp-2741.F.0.json
error.1
"image":"start","error":"aliasing","actions":"removed WAVECAR; removed CHGCAR"
'
replay large_cell_real_optlay_vasp.out 'jobs/done/mp-2741.F.0.json
> LREAL = .FALSE.
error.1
"image":"start","error":"real_optlay","actions":"INCAR LREAL = .FALSE."
'
replay lrf_comm_std_err.txt 'jobs/done/mp-2741.F.0.json
> LPEAD = .TRUE.
error.1
"image":"start","error":"lrf_comm","actions":"INCAR LPEAD = .TRUE."
'
replay poscar_error_vasp.out 'jobs/done/mp-2741.F.0.json
> ISYM = 0
error.1
"image":"start","error":"rot_matrix","actions":"INCAR ISYM = 0"
'
# (with a mesh that is not cubic already: the correction makes it so)
replay std_err.txt.kpoints_trans 'jobs/done/mp-2741.F.0.json
> 3 3 3
error.1
"image":"start","error":"kpoints_trans","actions":"KPOINTS mesh 3 3 3"
' --kppa=1000
replay std_err.txt.oom 'jobs/done/mp-2741.F.0.json
> KPAR = 1
error.1
"image":"start","error":"out_of_memory","actions":"INCAR KPAR = 1"
'
replay too_few_bands_vasp.too_few_bands 'jobs/done/mp-2741.F.0.json
> NBANDS = 36
error.1
"image":"start","error":"too_few_bands","actions":"INCAR NBANDS = 36"
'
replay vasp.algo_tet 'jobs/done/mp-2741.F.0.json
> ALGO = Normal
> ISMEAR = 0
error.1
"image":"start","error":"algo_tet","actions":"INCAR ISMEAR = 0"
"image":"start","error":"grad_not_orth","actions":"INCAR ALGO = Normal"
"image":"start","error":"aliasing","actions":"removed WAVECAR; removed CHGCAR"
'
replay vasp.algo_tet_only 'jobs/done/mp-2741.F.0.json
> ISMEAR = 0
error.1
"image":"start","error":"algo_tet","actions":"INCAR ISMEAR = 0"
'
replay vasp.amin 'jobs/done/mp-2741.F.0.json
> AMIN = 0.01
error.1
"image":"start","error":"amin","actions":"INCAR AMIN = 0.01"
'
replay vasp.brions 'jobs/done/mp-2741.F.0.json
> POTIM = 0.6
error.1
"image":"start","error":"brions","actions":"INCAR POTIM = 0.6"
'
replay vasp.brmix 'jobs/done/mp-2741.F.0.json
> IMIX = 1
error.1
"image":"start","error":"brmix","actions":"INCAR IMIX = 1"
'
replay vasp.dentet 'jobs/done/mp-2741.F.0.json
> ISMEAR = 0
error.1
"image":"start","error":"dentet","actions":"INCAR ISMEAR = 0"
'
replay vasp.dfpt_ncore 'jobs/done/mp-2741.F.0.json
error.1
"image":"start","error":"dfpt_ncore","actions":"INCAR NPAR removed"
'
replay vasp.edddav 'jobs/done/mp-2741.F.0.json
> ALGO = All
> ISEARCH = 1
error.1
"image":"start","error":"edddav","actions":"INCAR ALGO = All; INCAR ISEARCH = 1; removed CHGCAR"
'
replay vasp.edddav2 'jobs/done/mp-2741.F.0.json
> ALGO = All
> ISEARCH = 1
error.1
"image":"start","error":"edddav","actions":"INCAR ALGO = All; INCAR ISEARCH = 1; removed CHGCAR"
'
replay vasp.eddiag 'jobs/done/mp-2741.F.0.json
> ALGO = Normal
error.1
"image":"start","error":"eddiag","actions":"INCAR ALGO = Normal"
'
replay vasp.eddrmm 'jobs/done/mp-2741.F.0.json
> ALGO = Normal
error.1
"image":"start","error":"eddrmm","actions":"INCAR ALGO = Normal; removed WAVECAR; removed CHGCAR"
'
replay vasp.fd_ncore 'jobs/done/mp-2741.F.0.json
error.1
"image":"start","error":"dfpt_ncore","actions":"INCAR NPAR removed"
'
replay vasp.gradient_not_orthogonal 'jobs/done/mp-2741.F.0.json
> ALGO = Normal
error.1
"image":"start","error":"grad_not_orth","actions":"INCAR ALGO = Normal"
"image":"start","error":"aliasing","actions":"removed WAVECAR; removed CHGCAR"
'
replay vasp.harris 'jobs/failed/mp-2741.F.0.json
error.1
"last_error":"start: spin_polarized_harris (VASP: Spin polarized Harris functional dynamics is a good joke) cannot be corrected"
'
replay vasp.hnform 'jobs/done/mp-2741.F.0.json
> ISYM = 0
error.1
"image":"start","error":"hnform","actions":"INCAR ISYM = 0"
'
replay vasp.ibzkpt 'jobs/done/mp-2741.F.0.json
> ISYM = 0
error.1
"image":"start","error":"ibzkpt","actions":"INCAR ISYM = 0"
'
replay vasp.ksymm 'jobs/done/mp-2741.F.0.json
> ISYM = 0
> SYMPREC = 1e-6
error.1
"image":"start","error":"ksymm","actions":"INCAR SYMPREC = 1e-6"
"image":"start","error":"ibzkpt","actions":"INCAR ISYM = 0"
'
replay vasp.nbands_not_sufficient 'jobs/done/mp-2741.F.0.json
> NBANDS = 39
error.1
"image":"start","error":"nbands_not_sufficient","actions":"INCAR NBANDS = 39"
'
replay vasp.nicht_konvergent 'jobs/done/mp-2741.F.0.json
> LREAL = .FALSE.
error.1
"image":"start","error":"nicht_konv","actions":"INCAR LREAL = .FALSE."
'
replay vasp.pdsyevx 'jobs/done/mp-2741.F.0.json
> ALGO = Normal
error.1
"image":"start","error":"pdsyevx","actions":"INCAR ALGO = Normal"
'
replay vasp.point_group 'jobs/done/mp-2741.F.0.json
> ISYM = 0
> SYMPREC = 1e-6
error.1
"image":"start","error":"point_group","actions":"INCAR ISYM = 0"
"image":"start","error":"ibzkpt","actions":"INCAR SYMPREC = 1e-6"
'
replay vasp.posmap 'jobs/done/mp-2741.F.0.json
> SYMPREC = 1e-06
error.1
"image":"start","error":"posmap","actions":"INCAR SYMPREC = 1e-06"
'
replay vasp.pricelv 'jobs/done/mp-2741.F.0.json
> SYMPREC = 1e-06
error.1
"image":"start","error":"pricelv","actions":"INCAR SYMPREC = 1e-06"
'
replay vasp.pssyevx 'jobs/done/mp-2741.F.0.json
> ALGO = Normal
error.1
"image":"start","error":"pssyevx","actions":"INCAR ALGO = Normal"
'
replay vasp.read_error 'jobs/failed/mp-2741.F.0.json
error.1
"last_error":"start: read_error (VASP: Error reading item) cannot be corrected"
'
replay vasp.real_optlay 'jobs/done/mp-2741.F.0.json
> LREAL = .FALSE.
error.1
"image":"start","error":"real_optlay","actions":"INCAR LREAL = .FALSE."
'
replay vasp.rhosyg 'jobs/done/mp-2741.F.0.json
> SYMPREC = 1e-4
error.1
"image":"start","error":"rhosyg","actions":"INCAR SYMPREC = 1e-4"
'
replay vasp.set_core_wf 'jobs/failed/mp-2741.F.0.json
error.1
"last_error":"start: set_core_wf (VASP: internal error in SET_CORE_WF) cannot be corrected"
'
replay vasp.sgrcon 'jobs/done/mp-2741.F.0.json
> ISYM = 0
error.1
"image":"start","error":"rot_matrix","actions":"INCAR ISYM = 0"
'
replay vasp.subspace 'jobs/done/mp-2741.F.0.json
> LREAL = .FALSE.
error.1
"image":"start","error":"subspacematrix","actions":"INCAR LREAL = .FALSE."
'
replay vasp.symprec_noise 'jobs/done/mp-2741.F.0.json
> SYMPREC = 1e-6
error.1
"image":"start","error":"symprec_noise","actions":"INCAR SYMPREC = 1e-6"
'
replay vasp.too_few_bands_round_error 'jobs/done/mp-2741.F.0.json
> NBANDS = 36
error.1
"image":"start","error":"too_few_bands","actions":"INCAR NBANDS = 36"
'
replay vasp.zbrent 'jobs/done/mp-2741.F.0.json
> EDIFF = 0.0001
> NELMIN = 8
error.1
"image":"start","error":"zbrent","actions":"INCAR EDIFF = 0.0001; INCAR NELMIN = 8"
'
replay vasp.ztrtri 'jobs/done/mp-2741.F.0.json
> ISYM = 0
error.1
"image":"start","error":"zpotrf","actions":"INCAR ISYM = 0"
'
replay zpotrf_small_vasp.out 'jobs/done/mp-2741.F.0.json
> ISYM = 0
error.1
"image":"start","error":"zpotrf","actions":"INCAR ISYM = 0"
'
replay zpotrf_vasp.out 'jobs/done/mp-2741.F.0.json
> ISYM = 0
error.1
"image":"start","error":"zpotrf","actions":"INCAR ISYM = 0"
'

# An NEB (make-neb -t neb: IMAGES = 5, VTST's LBFGS, IOPT = 1, IBRION = 3,
# POTIM = 0) replays the recorded errors in its job directory, with the
# endpoints' outputs (00/, 06/) from their own relaxations.  fake-vasp
# stops, as VTST does, when IOPT > 0 and POTIM or IBRION are not 3 and 0.
# Shown: the final state, what changed in INCAR, its optimizer tags, which
# images' POSCAR came from CONTCAR, the backups, that the endpoints' outputs
# are still in place, where each error was seen, the corrections, why it failed.
NJ=calcs/mp-2741.F.0
MKNEB='fetch-structures $DATA/structures/mp-2741_CaF2.cif | find-paths -n 1 | make-neb -q -t neb > jobs.jsonl &&
	for e in 00 06; do gzip -dc $DATA/vasp/static_v51/OUTCAR.gz > '$NJ'/$e/OUTCAR && cp $DATA/vasp/OSZICAR.nonconv '$NJ'/$e/OSZICAR; done &&
	cp -r calcs orig && run-vasp add jobs.jsonl 2>/dev/null'
NEBSHOW='ls -d jobs/*/mp-2741.F.0.json; diff orig/mp-2741.F.0/INCAR '$NJ'/INCAR | grep "^[<>] [A-Z]";
	grep -E "^(IOPT|IBRION|POTIM) " '$NJ'/INCAR | tr "\n" " "; echo;
	printf "POSCAR from CONTCAR:"; for i in 01 02 03 04 05; do cmp -s orig/mp-2741.F.0/$i/POSCAR '$NJ'/$i/POSCAR || printf " %s" $i; done; echo;
	(cd '$NJ' && ls -d error.*/* | tr "\n" " "); echo;
	for e in 00/OUTCAR 00/OSZICAR 06/OUTCAR 06/OSZICAR; do cmp orig/mp-2741.F.0/$e '$NJ'/$e || exit 1; done && echo endpoints kept;
	grep -o "\"error\":\"[^\"]*\",\"message\":\"[^\"]*\",\"attempt\":[0-9]*,\"time\":[^,]*,\"file\":\"[^\"]*\"" jobs/*/mp-2741.F.0.json | sed "s/\"time\":[^,]*,//";
	grep -o "\"image\":\".\",\"error\":\"[^\"]*\",\"actions\":\"[^\"]*\"" jobs/*/mp-2741.F.0.json;
	grep -o "\"last_error\":\"[^\"]*\"" jobs/*/mp-2741.F.0.json || :'
neb_replay() { # name environment expected
	expect "neb-$1" 0 "$MKNEB && $2 run-vasp topup -n 1 --poll 0.05 -c $FAKE 2>/dev/null && $WAIT && $NEBSHOW" "$3" ''
}
E=\$DATA/vasp/errors

# BRIONS: custodian adds 0.1 to POTIM, which VTST refuses; FIRE instead
neb_replay brions "FAKE_ERR=$E/vasp.brions" 'jobs/done/mp-2741.F.0.json
< IOPT = 1
> IOPT = 7
IBRION = 3 POTIM = 0 IOPT = 7 
POSCAR from CONTCAR: 01 02 03 04 05
error.1/01 error.1/02 error.1/03 error.1/04 error.1/05 error.1/INCAR error.1/KPOINTS error.1/std_err.txt error.1/vasp.out 
endpoints kept
"error":"brions","message":"BRIONS problems: POTIM should be increased","attempt":1,"file":"vasp.out"
"image":".","error":"brions","actions":"CONTCAR -> POSCAR in 01, 02, 03, 04, 05; INCAR IOPT = 7"
'
# ZBRENT: custodian's vtst_fixes, FIRE with tighter forces
neb_replay zbrent "FAKE_ERR=$E/vasp.zbrent" 'jobs/done/mp-2741.F.0.json
< EDIFF = 5E-05
> EDIFF = 5e-06
< NELMIN = 6
> NELMIN = 8
< IOPT = 1
> IOPT = 7
IBRION = 3 POTIM = 0 IOPT = 7 
POSCAR from CONTCAR: 01 02 03 04 05
error.1/01 error.1/02 error.1/03 error.1/04 error.1/05 error.1/INCAR error.1/KPOINTS error.1/std_err.txt error.1/vasp.out 
endpoints kept
"error":"zbrent","message":"ZBRENT: fatal internal in","attempt":1,"file":"vasp.out"
"image":".","error":"zbrent","actions":"CONTCAR -> POSCAR in 01, 02, 03, 04, 05; INCAR EDIFF = 5e-06; INCAR NELMIN = 8; INCAR IOPT = 7"
'

# ZPOTRF: ISYM is 0 already, and MAXMOVE, not POTIM, is halved
neb_replay zpotrf "FAKE_ERR=$E/zpotrf_vasp.out" 'jobs/done/mp-2741.F.0.json
> MAXMOVE = 0.1
IBRION = 3 POTIM = 0 IOPT = 1 
POSCAR from CONTCAR:
error.1/01 error.1/02 error.1/03 error.1/04 error.1/05 error.1/INCAR error.1/KPOINTS error.1/std_err.txt error.1/vasp.out 
endpoints kept
"error":"zpotrf","message":"LAPACK: Routine ZPOTRF failed","attempt":1,"file":"vasp.out"
"image":".","error":"zpotrf","actions":"INCAR MAXMOVE = 0.1"
'
# an image VASP was killed in before it wrote CONTCAR: its POSCAR stays
neb_replay empty-contcar "FAKE_ERR=$E/vasp.brions FAKE_CONTCAR_EMPTY=02" 'jobs/done/mp-2741.F.0.json
< IOPT = 1
> IOPT = 7
IBRION = 3 POTIM = 0 IOPT = 7 
POSCAR from CONTCAR: 01 03 04 05
error.1/01 error.1/02 error.1/03 error.1/04 error.1/05 error.1/INCAR error.1/KPOINTS error.1/std_err.txt error.1/vasp.out 
endpoints kept
"error":"brions","message":"BRIONS problems: POTIM should be increased","attempt":1,"file":"vasp.out"
"image":".","error":"brions","actions":"CONTCAR -> POSCAR in 01, 03, 04, 05; 02/CONTCAR not copied: empty; INCAR IOPT = 7"
'
# a CONTCAR cut inside its coordinates
neb_replay truncated-contcar "FAKE_ERR=$E/vasp.zbrent FAKE_CONTCAR_CUT=04" 'jobs/done/mp-2741.F.0.json
< EDIFF = 5E-05
> EDIFF = 5e-06
< NELMIN = 6
> NELMIN = 8
< IOPT = 1
> IOPT = 7
IBRION = 3 POTIM = 0 IOPT = 7 
POSCAR from CONTCAR: 01 02 03 05
error.1/01 error.1/02 error.1/03 error.1/04 error.1/05 error.1/INCAR error.1/KPOINTS error.1/std_err.txt error.1/vasp.out 
endpoints kept
"error":"zbrent","message":"ZBRENT: fatal internal in","attempt":1,"file":"vasp.out"
"image":".","error":"zbrent","actions":"CONTCAR -> POSCAR in 01, 02, 03, 05; 04/CONTCAR not copied: line 13: truncated POSCAR: 4 of 35 atoms; INCAR EDIFF = 5e-06; INCAR NELMIN = 8; INCAR IOPT = 7"
'
# a static3 image (one calculation, not an NEB) is held to the same rule: its
# CONTCAR replaces POSCAR when complete, and one cut inside the coordinates
# or empty is left alone, the correction saying why
S3SHOW='ls -d jobs/*/mp-2741.F.0.json; S=mp-2741.F.0/start; head -n 1 calcs/$S/POSCAR; cmp -s orig/$S/POSCAR calcs/$S/POSCAR && echo POSCAR kept;
	grep -o "\"image\":\"start\",\"error\":\"[^\"]*\",\"actions\":\"[^\"]*\"" jobs/*/mp-2741.F.0.json'
s3_replay() { # name environment expected
	expect "static3-$1" 0 "$MK && $2 FAKE_ERR=$E/vasp.zbrent run-vasp topup -n 1 --poll 0.05 -c $FAKE 2>/dev/null && $WAIT && $S3SHOW" "$3" ''
}
s3_replay contcar-copied FAKE_CONTCAR=. 'jobs/done/mp-2741.F.0.json
CONTCAR of image .
"image":"start","error":"zbrent","actions":"CONTCAR -> POSCAR; INCAR EDIFF = 0.0001; INCAR NELMIN = 8"
'
s3_replay truncated-contcar FAKE_CONTCAR_CUT=. 'jobs/done/mp-2741.F.0.json
mp-2741.F.0 start (hopkit make-neb)
POSCAR kept
"image":"start","error":"zbrent","actions":"CONTCAR not copied: line 13: truncated POSCAR: 4 of 35 atoms; INCAR EDIFF = 0.0001; INCAR NELMIN = 8"
'
s3_replay empty-contcar FAKE_CONTCAR_EMPTY=. 'jobs/done/mp-2741.F.0.json
mp-2741.F.0 start (hopkit make-neb)
POSCAR kept
"image":"start","error":"zbrent","actions":"CONTCAR not copied: empty; INCAR EDIFF = 0.0001; INCAR NELMIN = 8"
'
# the error in one image's OUTCAR, not in standard output
neb_replay error-in-image-outcar "FAKE_ERR=$E/vasp.brions FAKE_ERR_IN=03" 'jobs/done/mp-2741.F.0.json
< IOPT = 1
> IOPT = 7
IBRION = 3 POTIM = 0 IOPT = 7 
POSCAR from CONTCAR: 01 02 03 04 05
error.1/01 error.1/02 error.1/03 error.1/04 error.1/05 error.1/INCAR error.1/KPOINTS error.1/std_err.txt error.1/vasp.out 
endpoints kept
"error":"brions","message":"BRIONS problems: POTIM should be increased","attempt":1,"file":"03/OUTCAR"
"image":".","error":"brions","actions":"CONTCAR -> POSCAR in 01, 02, 03, 04, 05; INCAR IOPT = 7"
'
# BRIONS again with FIRE: nothing VTST allows is left, and the job says so
neb_replay vtst-used-up "FAKE_ERR=$E/vasp.brions FAKE_ERRORS=2" 'jobs/failed/mp-2741.F.0.json
< IOPT = 1
> IOPT = 7
IBRION = 3 POTIM = 0 IOPT = 7 
POSCAR from CONTCAR: 01 02 03 04 05
error.1/01 error.1/02 error.1/03 error.1/04 error.1/05 error.1/INCAR error.1/KPOINTS error.1/std_err.txt error.1/vasp.out error.2/01 error.2/02 error.2/03 error.2/04 error.2/05 error.2/INCAR error.2/KPOINTS error.2/std_err.txt error.2/vasp.out 
endpoints kept
"error":"brions","message":"BRIONS problems: POTIM should be increased","attempt":1,"file":"vasp.out"
"error":"brions","message":"BRIONS problems: POTIM should be increased","attempt":1,"file":"vasp.out"
"image":".","error":"brions","actions":"CONTCAR -> POSCAR in 01, 02, 03, 04, 05; INCAR IOPT = 7"
"last_error":".: brions (VASP: BRIONS problems: POTIM should be increased) cannot be corrected: brions in an NEB with IOPT 7: POTIM must stay 0 and IBRION 3 for VTST'"'"'s optimizers, and no other correction is left"
'

# watched conditions: walltime (STOPCAR first, then CONTCAR kept for retry), frozen output
expect walltime-stopcar 0 "$MK && run-vasp topup -n 1 --poll 0.05 --walltime 4 -c 'while [ ! -f STOPCAR ]; do sleep 0.1; done; sed 1s/.*/stopped/ POSCAR > CONTCAR' &&
	$WAIT && ls jobs/failed && head -n 1 calcs/mp-2741.F.0/start/POSCAR && grep -o '\"last_error\":\"[^\"]*\"' jobs/failed/*.json &&
	run-vasp retry --failed && ls jobs/ready" 'mp-2741.F.0.json
stopped
"last_error":"start: walltime reached (outputs in error.1); run-vasp retry continues"
001000000001.mp-2741.F.0.json
001000000002.mp-2741.F.1.json
' '~1 started'
# (the sleep the frozen calculator started goes with it: its whole process group is stopped)
expect frozen 0 "$MK && run-vasp topup -n 1 --poll 0.05 --frozen-after 0.02 --max-errors 1 -c 'echo started; sleep 60' && $WAIT &&
	grep -o '\"last_error\":\"[^\"]*\"' jobs/failed/*.json && grep -c '^ALGO = Normal' calcs/mp-2741.F.0/start/INCAR &&
	g=\$(grep -o '\"calc_pgid\":[0-9]*' jobs/failed/*.json | cut -d: -f2) && ps -e -o pgid=,stat=,args= | awk -v g=\$g '\$1 == g && \$2 !~ /^Z/' | grep . || echo none" '"last_error":"start: frozen (output stopped growing), more than 1 errors"
1
none
' '~1 started'

# abort kills the whole process group; retry puts it first in line; forget drops it
expect abort-retry-forget 0 "$MK && run-vasp topup -n 2 --poll 0.05 -c 'sleep 300' 2>/dev/null && sleep 0.5 &&
	run-vasp abort mp-2741.F.1 && sleep 0.3 && ! pgrep -f 'sleep 300' -s \$(grep -o '\"pid\":[0-9]*' jobs/aborted/*.json | cut -d: -f2) &&
	run-vasp retry mp-2741.F.1 && ls jobs/ready jobs/active && run-vasp abort mp-2741.F.0 && run-vasp forget mp-2741.F.0 && run-vasp status | grep -v ' 0$'" 'jobs/active:
mp-2741.F.0.json

jobs/ready:
000999999999.mp-2741.F.1.json
ready 1
' '*'
expect retry-unknown 1 "$MK && run-vasp retry nosuch" '' '~nosuch'

# sync: a run that died (kill -9, no chance to record anything) becomes failed
expect sync-lost-run 0 "$MK && run-vasp topup -n 1 --poll 0.05 -c 'sleep 300' 2>/dev/null && sleep 0.5 &&
	kill -9 -\$(grep -o '\"pid\":[0-9]*' jobs/active/*.json | cut -d: -f2) && sleep 0.2 && run-vasp sync 2>/dev/null && ls jobs/failed &&
	grep -o '\"last_error\":\"lost run[^\"]*\"' jobs/failed/*.json | cut -c1-27" 'mp-2741.F.0.json
"last_error":"lost run: pro
' ''

# until the shell condition $1 holds (at most 30 s): no sleep that can lose a race
POLL='poll() { k=0; until eval "$1"; do k=$((k+1)); [ $k -lt 600 ] || { echo "timed out: $1" >&2; return 1; }; sleep 0.05; done; }'
# the run's pid (local: its executor id) and its calculator's process group, in a state file
IDS='live_in() { ps -e -o pgid=,stat=,args= | awk -v g=$1 "\$1 == g && \$2 !~ /^Z/" | grep .; }; run_of() { grep -o "\"exec_id\":\"[0-9]*\"" $1 | head -n 1 | tr -dc 0-9; }; group_of() { grep -o "\"calc_pgid\":[0-9]*" $1 | cut -d: -f2; }'

# kill -9 of the run alone: its calculator lives on (in a process group of its
# own, holding the directory's lock) until sync stops it; then nothing is left
expect kill-9-run-sync-stops-calculator 0 "$MK && $POLL && $IDS && run-vasp topup -n 1 --poll 0.05 -c 'sleep 300; echo never' 2>/dev/null &&
	f=jobs/active/mp-2741.F.0.json && poll 'grep -q calc_pgid \$f' && p=\$(run_of \$f) && g=\$(group_of \$f) && poll 'pgrep -g \$g sleep >/dev/null' &&
	kill -9 \$p && poll '! kill -0 \$p 2>/dev/null' && pgrep -g \$g sleep >/dev/null && echo calculator outlives its run &&
	run-vasp retry mp-2741.F.0 2>&1; run-vasp sync 2>&1 | sed \"s/process \$p /process P /; s/group \$g)/group G)/\" &&
	{ live_in \$g || echo no process of the job is left; } && ls jobs/failed" 'calculator outlives its run
run-vasp: mp-2741.F.0: not failed or aborted
run-vasp: mp-2741.F.0: lost run: process P is gone; its calculator (process group G) was still running: stopped
no process of the job is left
mp-2741.F.0.json
' ''

# a calculator that escaped its process group (setsid) still holds the
# directory's lock: retry and run refuse the directory, naming it and the
# process, until it is gone
ESCAPE='setsid sh -c "echo \$\$ > ../escaped; exec sleep 300" >/dev/null 2>&1 & until [ -s ../escaped ]; do sleep 0.05; done; echo started'
expect retry-refused-while-calculator-runs 0 "$MK && $POLL && run-vasp topup -n 1 --poll 0.05 -c '$ESCAPE' 2>/dev/null && $WAIT &&
	run-vasp retry mp-2741.F.0 2> err; echo \$?; q=\$(cat calcs/mp-2741.F.0/escaped);
	sed \"s|\$PWD|.|; s/process \$q /process Q /\" err;
	mv jobs/failed/mp-2741.F.0.json jobs/active/ && run-vasp run mp-2741.F.0 2>&1 | sed \"s|\$PWD|.|; s/process \$q /process Q /\"; ls jobs/failed;
	kill \$q && poll 'run-vasp retry mp-2741.F.0 2>/dev/null' && ls jobs/ready" '1
run-vasp: mp-2741.F.0: not retried: a calculator still runs in ./calcs/mp-2741.F.0: process Q (sleep 300)
run-vasp: ./calcs/mp-2741.F.0: a calculator still runs here: process Q (sleep 300)
mp-2741.F.0.json
001000000001.mp-2741.F.0.json
001000000002.mp-2741.F.1.json
' ''

# the cause of a failure in plain sight: the calculator's last line on stderr
expect list-shows-cause 0 "$MK && run-vasp -q topup --wait -n 2 --poll 0.05 -c 'hk-no-such-mpirun vasp_std' &&
	run-vasp list --csv | cut -d, -f1,2,10" 'id,state,last_error
mp-2741.F.0,failed,start: the calculator exited with status 127: sh: 1: hk-no-such-mpirun: not found
mp-2741.F.1,failed,start: the calculator exited with status 127: sh: 1: hk-no-such-mpirun: not found
' ''
expect list-shows-last-stderr-line 0 "$MK && run-vasp -q topup --wait -n 1 --poll 0.05 -c 'printf \"reading POSCAR\\nno softBV parameters for Nd3+ with Se2-\\n\\n\" >&2; exit 1' &&
	run-vasp list --state failed | sed -n 2p | sed 's/.*  //'" 'start: the calculator exited with status 1: no softBV parameters for Nd3+ with Se2-
' ''

# failures by cause: F.0 ends in ZBRENT (no second try allowed), F.1 exits 3
CAUSES="$MK && FAKE_ERR=$E/vasp.zbrent run-vasp -q topup --wait -n 2 --poll 0.05 --max-errors 0 -c 'case \$PWD in *F.0/*) exec $FAKE;; *) exit 3;; esac'"
expect list-error-class 0 "$CAUSES && run-vasp list --error zbrent | awk '{ print \$1, \$9, \$10 }' && run-vasp list --csv --error calculator_exit | cut -d, -f1,2,11" 'ID CAUSE LAST_ERROR
mp-2741.F.0 zbrent start:
id,state,error_class
mp-2741.F.1,failed,calculator_exit
' ''
expect list-error-unknown-class 0 "$CAUSES && run-vasp list --error ZBRENT | wc -l" '1
' "run-vasp: no job has error class 'ZBRENT'
"
expect status-counts-causes 0 "$CAUSES && run-vasp status | sed -n '5p;9,\$p' && echo retried && run-vasp retry mp-2741.F.1 &&
	FAKE_ERR=$E/vasp.zbrent run-vasp -q topup --wait -n 2 --poll 0.05 --max-errors 0 -c 'exec $FAKE' && run-vasp status | sed -n '5p;9,\$p'" 'failed 2
cause calculator_exit 1
cause zbrent 1
retried
failed 2
cause zbrent 2
' ''
expect status-no-causes-when-none-failed 0 "$MK && run-vasp status | wc -l" '8
' ''
expect retry-error-class 0 "$CAUSES && run-vasp retry --error zbrent && ls jobs/ready jobs/failed && run-vasp -q retry --error zbrent; run-vasp -q retry --error calculator_exit && ls jobs/ready" 'jobs/failed:
mp-2741.F.1.json

jobs/ready:
000999999999.mp-2741.F.0.json
000999999998.mp-2741.F.1.json
000999999999.mp-2741.F.0.json
' "run-vasp: 1 jobs retried
run-vasp: zbrent: no failed job has this error class
"
# a state file from before classes were kept: its last attempt's error, else unknown
expect error-class-of-older-records 0 "$CAUSES && sed -i 's/\"error_class\":\"[a-z_]*\",//' jobs/failed/*.json &&
	grep -c error_class jobs/failed/*.json; run-vasp status | tail -n 2" 'jobs/failed/mp-2741.F.0.json:0
jobs/failed/mp-2741.F.1.json:0
cause calculator_exit 1
cause zbrent 1
' ''
expect retry-error-needs-class 2 "$MK && run-vasp retry --error" '' '~usage: run-vasp retry'

# show: every attempt, its calculator runs, errors and corrections; the
# stderr tail while the job is not done
FAIL1='echo "no softBV parameters for Nd3+ with Se2-" >&2; exit 1'
BRMIX='case $PWD in */start) grep -q "^IMIX = 1" INCAR || { echo "BRMIX: very serious problems"; exec sleep 60; };; esac; exec '$FAKE
MASK='s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/T/g; s/\([0-9]+ s\)/(S)/g; s/(local|pid) [0-9]+/\1 N/g; s/ on [^ ]+ \(/ on H (/'
expect show-history 0 "$MK && run-vasp topup -n 1 --poll 0.05 -c '$FAIL1' 2>/dev/null && $WAIT &&
	run-vasp show mp-2741.F.0 | sed -E \"\$(printf '%s' '$MASK'); s|\$PWD|.|\" && echo &&
	run-vasp retry mp-2741.F.0 && run-vasp topup -n 1 --poll 0.05 -c '$BRMIX' 2>/dev/null && $WAIT &&
	run-vasp show mp-2741.F.0 | sed -E \"\$(printf '%s' '$MASK'); s|\$PWD|.|\"" 'mp-2741.F.0: failed
dir: ./calcs/mp-2741.F.0
kind: static3
attempts: 1
submitted: local N, T
last error: start: the calculator exited with status 1: no softBV parameters for Nd3+ with Se2-
attempt 1: failed, local N on H (pid N), T to T (S)
    calculator  start: exit status 1, T to T (S)
    ended with  start: the calculator exited with status 1: no softBV parameters for Nd3+ with Se2-
./calcs/mp-2741.F.0/start/std_err.txt, its last lines:
    no softBV parameters for Nd3+ with Se2-

mp-2741.F.0: done
dir: ./calcs/mp-2741.F.0
kind: static3
attempts: 2
submitted: local N, T
last error: none
attempt 1: failed, local N on H (pid N), T to T (S)
    calculator  start: exit status 1, T to T (S)
    ended with  start: the calculator exited with status 1: no softBV parameters for Nd3+ with Se2-
attempt 2: done, local N on H (pid N), T to T (S)
    calculator  start: exit status 143, stopped: VASP error, T to T (S)
    calculator  start: exit status 0, T to T (S)
    calculator  mid: exit status 0, T to T (S)
    calculator  end: exit status 0, T to T (S)
    error       start: brmix (BRMIX: very serious problems)
    correction  start: brmix: INCAR IMIX = 1 (outputs kept in error.1)
' ''
expect show-unknown 1 "$MK && run-vasp show nosuch" '' 'run-vasp: nosuch: no such job
'

# topup --wait: a status line per round, off a terminal too.  The
# calculators wait for ./go, made once round 1 has been reported.
expect wait-round-lines 0 "$MK && $POLL || exit 1; run-vasp topup --wait -n 1 --poll 0.05 -c \"while [ ! -f \$PWD/go ]; do sleep 0.05; done; false\" 2> log & w=\$!;
	poll 'grep -q \"round 1:\" log 2>/dev/null' && touch go && wait \$w && sed -n 1p log | sed -E 's/queued [01], running [01]/queued or running 1/' &&
	tail -n 2 log | sed -E 's/round [0-9]+/round N/' && [ \$(grep -c ': round [0-9]*: ' log) -ge 3 ] && echo rounds" 'run-vasp: round 1: started 1; ready 1, queued or running 1, done 0, failed 0, aborted 0
run-vasp: round N: started 0; ready 0, queued 0, running 0, done 0, failed 2, aborted 0
run-vasp: 2 started, queue drained
rounds
' ''

# 8 top-ups at once over 200 ready jobs: exactly 50 started, none twice
MANY='i=0; while [ $i -lt 200 ]; do echo d/j$i; echo "{\"id\":\"j$i\",\"dir\":\"d/j$i\",\"kind\":\"relax\"}" >> many.jsonl; i=$((i+1)); done |
	xargs $MKJOB -k relax && run-vasp add many.jsonl 2>/dev/null'
expect concurrent-topup 0 "$MANY && for k in 1 2 3 4 5 6 7 8; do run-vasp topup --max-active 50 -c 'exec sleep 301' 2>/dev/null & done; wait;
	sleep 1; ls jobs/active | wc -l; ls jobs/ready | wc -l; grep -h -o '\"attempts\":[0-9]*' jobs/active/*.json | sort | uniq -c | sed 's/^ *//';
	for f in jobs/active/*.json; do grep -o '\"pid\":[0-9]*' \$f; done | sort -u | wc -l;
	run-vasp abort \$(ls jobs/active | sed 's/.json\$//') && ls jobs/aborted | wc -l" '50
150
50 "attempts":1
50
50
' ''

# kill -9 of top-ups and runs at random moments, sync after each round: every
# job is always in exactly one state directory (counted while the surviving
# runs are stopped, since ls reads the directories one after another; a run
# a killed top-up was still starting is not found by its name yet and can
# move its job during the count, so a job seen twice is counted again once
# that run is stopped too: a job really in two directories stays so), and
# all finish in the end
expect kill-9-anywhere 0 "i=0; while [ \$i -lt 100 ]; do echo d/j\$i >> dirs;
		printf '{\"id\":\"j%d\",\"dir\":\"d/j%d\",\"kind\":\"static3\"}\\n' \$i \$i; i=\$((i+1)); done > many.jsonl &&
	xargs $MKJOB < dirs && run-vasp add many.jsonl 2>/dev/null && rnd() { od -An -N1 -tu1 /dev/urandom | tr -d ' '; } &&
	once() { ls jobs/*/ | grep '[.]json$' | sed 's/^[0-9]*\\.//; s/\\.json\$//' | sort | uniq -c | awk '\$1 != 1 { bad++ } END { print NR, bad + 0 }'; } &&
	r=0; while [ \$r -lt 30 ]; do
		run-vasp topup -n 12 --poll 0.02 -c $FAKE >/dev/null 2>&1 & p=\$!
		sleep 0.0\$((\$(rnd) % 10)); kill -9 \$p 2>/dev/null
		for q in \$(pgrep -f \"run --state \$PWD/jobs\"); do [ \$(rnd) -lt 60 ] && kill -9 \$q 2>/dev/null; done
		wait \$p 2>/dev/null; run-vasp sync >/dev/null 2>&1
		still() { qs=\$(pgrep -f \"run --state \$PWD/jobs\"); [ -z \"\$qs\" ] || kill -STOP \$qs 2>/dev/null; c=\$(once); [ -z \"\$qs\" ] || kill -CONT \$qs 2>/dev/null; }
		still; case \$c in *' 0') ;; *) sleep 0.3; still ;; esac; echo \$c; r=\$((r+1))
	done | sort | uniq -c | sed 's/^ *//';
	run-vasp retry --failed 2>/dev/null; k=0; while [ \$k -lt 600 ]; do run-vasp topup -n 20 --poll 0.02 -c $FAKE >/dev/null 2>&1;
		[ \$? -eq 3 ] && [ -z \"\$(ls jobs/active)\" ] && break; sleep 0.1; run-vasp sync >/dev/null 2>&1; run-vasp retry --failed >/dev/null 2>&1; k=\$((k+1)); done;
	run-vasp status | grep -v ' 0\$'" '30 100 0
done 100
' ''

# add killed (kill -9) at random moments, then run to its end: every state
# file is whole at every moment and none is there twice, the temporary files
# the killed adds left are cleared, and the jobs stand in the input's order
expect add-kill-9 0 "$MKJOB d && awk 'BEGIN { for (i = 0; i < 6000; i++) printf \"{\\\"id\\\":\\\"j%d\\\",\\\"dir\\\":\\\"d\\\"}\\n\", i }' > many.jsonl &&
	rnd() { od -An -N1 -tu1 /dev/urandom | tr -d ' '; } && r=0 && while [ \$r -lt 8 ]; do
		run-vasp add many.jsonl >/dev/null 2>&1 & p=\$!; sleep \$((\$(rnd) % 2)).\$((\$(rnd) % 10)); kill -9 \$p 2>/dev/null; wait \$p 2>/dev/null
		run-vasp list | grep -c unreadable; ls jobs/ready | grep '[.]json\$' | sed 's/^[0-9]*[.]//' | sort | uniq -d; r=\$((r+1))
	done | sort | uniq -c | sed 's/^ *//';
	run-vasp add many.jsonl 2>&1 | sed 's/[0-9]* jobs added, [0-9]* already/N jobs added, M already/';
	ls -a jobs jobs/ready | grep -c tmp; ls jobs/ready | sed 's/^[0-9]*[.]//; s/[.]json\$//' > got;
	awk 'BEGIN { for (i = 0; i < 6000; i++) print \"j\" i }' | cmp - got && echo in order" '8 0
run-vasp: N jobs added, M already known, 0 rejected
0
in order
' ''

finish
