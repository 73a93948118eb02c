#!/bin/sh
# run-vasp through a real Slurm: slurmctld and slurmd started here on
# localhost (one node, no munge, no accounting, ports of their own), then
# topup submits, status follows what Slurm reports, abort cancels.
. "$(dirname "$0")/../lib.sh"

command -v slurmctld >/dev/null 2>&1 && command -v sbatch >/dev/null 2>&1 ||
	skip_all "Slurm is not installed (scripts/install-deps --all installs slurmctld, slurmd, slurm-client)"
[ "$(id -u)" -eq 0 ] || skip_all "starting slurmd needs root"

S=$(mktemp -d)
H=$(hostname -s)
# ports of this run's own, so that two test runs on one machine do not meet
PORT=$((20000 + $$ % 20000 * 2))
mkdir -p "$S/spool/ctld" "$S/spool/d" "$S/log"
cat > "$S/slurm.conf" <<CONF
ClusterName=hopkit
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$S/spool/ctld
SlurmdSpoolDir=$S/spool/d
SlurmctldPidFile=$S/ctld.pid
SlurmdPidFile=$S/d.pid
SlurmctldLogFile=$S/log/ctld.log
SlurmdLogFile=$S/log/d.log
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
NodeName=$H NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
SLURM_CONF=$S/slurm.conf
export SLURM_CONF
stop() {
	for p in d ctld; do [ -f "$S/$p.pid" ] && kill "$(cat "$S/$p.pid")" 2>/dev/null; done
	sleep 0.5
	rm -rf "$S"
}
trap stop EXIT
slurmctld -i && slurmd || skip_all "slurmctld/slurmd did not start (see $S/log)"
i=0
until [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; do
	i=$((i + 1))
	[ $i -lt 60 ] || skip_all "the Slurm node did not become idle: $(tail -n 3 "$S/log/d.log" 2>/dev/null)"
	sleep 0.5
done

FAKE=$TOP/tests/cmd/fake-vasp
MK='fetch-structures $DATA/structures/mp-2741_CaF2.cif | find-paths -n 2 | make-neb -q > jobs.jsonl &&
	run-vasp add jobs.jsonl 2>/dev/null'
# until the job's state is $1 (at most 30 s)
UNTIL='until_state() { k=0; until run-vasp list --csv | grep -q "^$1,$2,"; do k=$((k+1)); [ $k -lt 300 ] || return 1; sleep 0.1; done; }'

expect slurm-done 0 "$MK && $UNTIL && run-vasp topup -n 1 -e slurm --poll 0.05 -c $FAKE 2>/dev/null &&
	run-vasp list --csv | cut -d, -f1-2,4 | grep F.0 && until_state mp-2741.F.0 done &&
	run-vasp list --csv | cut -d, -f1-2,4 | grep F.0 && squeue -t all -h -o '%T %j' -j \$(run-vasp list --csv | grep F.0 | cut -d, -f5)" 'mp-2741.F.0,queued,slurm
mp-2741.F.0,done,slurm
COMPLETED hk-mp-2741.F.0
' ''
expect slurm-running-abort 0 "$MK && $UNTIL && run-vasp topup -n 2 -e slurm --poll 0.05 -c 'sleep 300' 2>/dev/null &&
	until_state mp-2741.F.0 running && until_state mp-2741.F.1 running && run-vasp status | grep -E '^(queued|running) ' &&
	id=\$(run-vasp list --csv | grep F.1 | cut -d, -f5) && run-vasp abort mp-2741.F.0 mp-2741.F.1 && sleep 2 &&
	squeue -t all -h -o '%T' -j \$id,\$id && run-vasp status | grep -v ' 0\$'" 'queued 0
running 2
CANCELLED
aborted 2
' ''
expect slurm-sync-lost 0 "$MK && run-vasp topup -n 1 -e slurm --poll 0.05 -c 'sleep 300' 2>/dev/null &&
	scancel \$(run-vasp list --csv | grep F.0 | cut -d, -f5) && sleep 2 && run-vasp sync 2>/dev/null &&
	grep -o '\"last_error\":\"lost run: Slurm job [0-9]* is [A-Z]*' jobs/failed/*.json | sed 's/[0-9][0-9]*/N/'" '"last_error":"lost run: Slurm job N is CANCELLED
' ''
expect slurm-bad-partition 0 "$MK && echo '* partition nosuch' > sc && run-vasp topup -n 1 -e slurm --slurm-config sc -c true; ls jobs/ready" '001000000001.mp-2741.F.0.json
001000000002.mp-2741.F.1.json
' '~mp-2741.F.0: not started: sbatch failed \(status 1\): sbatch: error: invalid partition specified: nosuch'
# shard run on Slurm.  pipeline.mk's SHARDS=4 makes each cheap stage one
# array job of 4 tasks and gives the tables one run here gives; a task
# cancelled is reported with its log's last line, and the rerun submits
# that part alone.
unset MAKELEVEL MAKEFLAGS MFLAGS
PMK="make -s -f $TOP/scripts/pipeline.mk"
STUDY="mkdir structures && cp $DATA/structures/*.cif structures && $PMK measured.jsonl 2>/dev/null && mkdir ref &&
	mv paths.jsonl measured.jsonl ref"
expect shard-array-pipeline 0 "$STUDY && printf 'shard partition debug\nshard time 10\n* ntasks 64\n* line # set up\n' > sc &&
	$PMK EXECUTOR=slurm SHARDS=4 JOBS=1 SLURM_CONFIG=sc measured.jsonl 2>/dev/null &&
	cmp ref/paths.jsonl paths.jsonl && cmp ref/measured.jsonl measured.jsonl && cat .shards/*/run.sbatch | grep -c '^#SBATCH --array=0,1,2,3\$' &&
	ls .shards/measured-4/ | grep -c '^slurm-[0-9]*_[0-3][.]out\$' && grep '^#SBATCH\|^# set' .shards/measured-4/run.sbatch | sed 's,=/.*/,=DIR/,'" '2
4
#SBATCH --job-name=hk-shard-measured-4
#SBATCH --array=0,1,2,3
#SBATCH --output=DIR/slurm-%A_%a.out
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --partition=debug
#SBATCH --time=10
# set up
' ''
if [ -n "$SHARED" ]; then
	expect shard-array-corpus-paths 0 "mkdir structures && cp $SHARED/data/structures/fluorides/*.cif structures &&
		$PMK paths.jsonl 2>/dev/null && mv paths.jsonl ref && $PMK EXECUTOR=slurm SHARDS=4 paths.jsonl 2>/dev/null &&
		cmp ref paths.jsonl && cat .shards/paths-4/in.* | wc -l" '448
' ''
else
	echo "slurm: shard-array-corpus-paths skipped: $SHARED_MISSING"
fi
# measure's part 2 sleeps while ./slow exists
WRAP="mkdir wbin && for p in $TOP/bin/*; do ln -s \$p wbin/; done && rm wbin/measure &&
	printf '#!/bin/sh\ncase \"\$*\" in *in.002.jsonl*) [ -e slow ] && sleep 300;; esac\nexec $TOP/bin/measure \"\$@\"\n' > wbin/measure &&
	chmod +x wbin/measure"
expect shard-array-cancel-rerun 0 "$STUDY && $WRAP && touch slow && { $PMK BIN=\$PWD/wbin EXECUTOR=slurm SHARDS=4 JOBS=1 measured.jsonl 2> err & } &&
	k=0 && until squeue -h -n hk-shard-measured-4 -o '%i %T' | grep -q '_2 RUNNING'; do k=\$((k+1)); [ \$k -lt 600 ] || exit 9; sleep 0.1; done &&
	scancel \$(squeue -h -n hk-shard-measured-4 -o '%i' | grep '_2\$') && wait; rm slow && ls measured.jsonl;
	grep -c 'shard: part 2 (.shards/measured-4/in.002.jsonl): Slurm task [0-9]*_2 ended CANCELLED, no output; .*slurm-[0-9]*_2.out: ' err &&
	$PMK BIN=\$PWD/wbin measured.jsonl && grep '^#SBATCH --array' .shards/measured-4/run.sbatch && cmp ref/measured.jsonl measured.jsonl" '1
#SBATCH --array=2
' "~cannot access 'measured.jsonl'"
finish
