#!/bin/sh
# collect: results, barriers, archives read in place, bad input.
. "$(dirname "$0")/../lib.sh"

# A static3 job from real outputs: Li in MnO2 (ApproxNEB endpoints and an image).
V='$DATA/vasp/approxneb'
JOB="mkdir -p jobs/a.F.0/start jobs/a.F.0/mid jobs/a.F.0/end &&
	cp $V/ep0.OUTCAR.gz jobs/a.F.0/start/OUTCAR.gz && cp $V/im1.OUTCAR.gz jobs/a.F.0/mid/OUTCAR.gz &&
	cp $V/ep1.OUTCAR.gz jobs/a.F.0/end/OUTCAR.gz &&
	echo '{\"id\":\"a.F.0\",\"kind\":\"static3\",\"formula\":\"LiMnO2\",\"closest\":[1,2,3]}' > jobs/a.F.0/job.json"
NEB="mkdir -p jobs/b.F.0/00 jobs/b.F.0/01 jobs/b.F.0/02 jobs/b.F.0/03 &&
	cp $V/ep0.OUTCAR.gz jobs/b.F.0/00/OUTCAR.gz && cp $V/im0.OUTCAR.gz jobs/b.F.0/01/OUTCAR.gz &&
	cp $V/im1.OUTCAR.gz jobs/b.F.0/02/OUTCAR.gz && cp $V/ep1.OUTCAR.gz jobs/b.F.0/03/OUTCAR.gz &&
	echo '{\"id\":\"b.F.0\",\"kind\":\"neb\"}' > jobs/b.F.0/job.json"
RES='{"id":"a.F.0","state":"done","kind":"static3","images":["start","mid","end"],"energies":[-196.51794577,-192.10379828,-196.51794671],"energies_relative":[0,4.414147490000005,-9.399999782999657e-07],"energy_barrier":4.414148429999983,"converged":true,"converged_images":[true,true,true],"endpoints_converged":true,"walltime":2589.932,"formula":"LiMnO2","dir":"jobs/a.F.0"}
'

expect help 0 'collect --help' '~^usage: collect' ''
expect no-args 2 'collect' '' '~^collect: no job directory or archive named'
expect static3 0 "$JOB && collect jobs" "$RES" ''
expect static3-by-dir 0 "$JOB && collect jobs/a.F.0 | cut -c1-40" '{"id":"a.F.0","state":"done","kind":"sta
' ''
expect neb 0 "$NEB && collect jobs | grep -o '\"energies_relative\".*\"highest_image\":[0-9]*'" '"energies_relative":[0,-0.00024551999999289364,4.414147490000005,-9.399999782999657e-07],"energy_barrier":4.414147490000005,"barrier_forward":4.414147490000005,"barrier_backward":4.414148429999983,"highest_image":2
' ''
expect csv 0 "$JOB && collect --csv jobs" 'id,state,kind,formula,ion,length,energy_barrier,barrier_backward,converged,walltime
a.F.0,done,static3,LiMnO2,,,4.414148429999983,,true,2589.932
' ''
expect archive-round-trip 0 "$JOB && cp -r jobs orig && collect -a arch jobs > r1 && ls jobs arch && collect arch > r2 && cmp r1 r2 &&
	mkdir x && tar -xzf arch/a.F.0.tar.gz -C x && diff -r x/a.F.0 orig/a.F.0 && grep -o '\"archive\":\"[^\"]*\"' r2" 'arch:
a.F.0.tar.gz

jobs:
"archive":"arch/a.F.0.tar.gz"
' ''
expect archive-drops-large 0 "$JOB && head -c 100000 /dev/zero > jobs/a.F.0/mid/WAVECAR && cp jobs/a.F.0/mid/WAVECAR jobs/a.F.0/mid/CHGCAR &&
	collect -q -a arch jobs > /dev/null && tar -tzf arch/a.F.0.tar.gz | sort" 'a.F.0/end/OUTCAR.gz
a.F.0/job.json
a.F.0/mid/OUTCAR.gz
a.F.0/start/OUTCAR.gz
' ''
expect archive-keep-large 0 "$JOB && echo w > jobs/a.F.0/mid/WAVECAR && collect -q -a arch --keep-large jobs > /dev/null && tar -tzf arch/a.F.0.tar.gz | grep -c WAVECAR" '1
' ''
expect incomplete-not-archived 0 "$JOB && rm jobs/a.F.0/end/OUTCAR.gz && collect -a arch jobs | grep -o '\"state\":\"[a-z-]*\"' && ls arch | wc -l && ls jobs" '"state":"incomplete"
0
a.F.0
' ''
expect since 0 "$JOB && $NEB && collect jobs/a.F.0 > done.jsonl && collect -s done.jsonl jobs | cut -c1-16 && collect -s nonexistent.jsonl jobs | wc -l" '{"id":"b.F.0","s
2
' ''
expect plot 0 "$JOB && collect -q -p plots jobs > /dev/null && head -c 60 plots/a.F.0.svg && grep -c '<circle' plots/a.F.0.svg && grep -o 'barrier 4.414 eV' plots/a.F.0.svg" '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="3
barrier 4.414 eV
' ''
expect summary 0 "$JOB && collect --summary jobs 2>&1 >/dev/null | sed -n '1p;13,14p'" '1 jobs collected, 0 skipped, 0 bad; 1 barriers
    >= 1.0 eV      1 ##################################################
lowest 4.414 eV, median 4.414 eV, highest 4.414 eV
' ''
# bad input: each job reported, the others still collected
expect truncated-outcar 0 "$JOB && gzip -dc $V/ep1.OUTCAR.gz | head -c 200000 > jobs/a.F.0/end/OUTCAR && rm jobs/a.F.0/end/OUTCAR.gz && collect jobs | grep -o '\"state\":\"[a-z]*\"\\|\"problems\":{[^}]*}'" '"state":"incomplete"
"problems":{"end":"jobs/a.F.0/end/OUTCAR:5474: OUTCAR has no energy (the run died or the file is truncated)"}
' ''
expect empty-oszicar 0 "$JOB && : > jobs/a.F.0/end/OSZICAR && rm jobs/a.F.0/end/OUTCAR.gz && collect jobs | grep -o '\"problems\":{[^}]*}'" '"problems":{"end":"jobs/a.F.0/end/OSZICAR: empty OSZICAR"}
' ''
expect vasprun-cut 0 "$JOB && cp \$DATA/vasp/large_cell/vasprun.xml jobs/a.F.0/end/ && rm jobs/a.F.0/end/OUTCAR.gz && collect jobs | grep -o '\"problems\":{[^}]*}'" '"problems":{"end":"jobs/a.F.0/end/vasprun.xml:441: vasprun.xml is cut short (no </modeling>)"}
' ''
expect no-outputs 0 "mkdir -p jobs/c.F.0/start && echo '{\"id\":\"c.F.0\",\"kind\":\"static3\"}' > jobs/c.F.0/job.json && collect jobs | grep -o '\"state\":\"[a-z-]*\"'" '"state":"no-output"
' ''
expect no-job-json 1 "$JOB && mkdir -p jobs/zz/start && echo x > jobs/zz/job.json && collect -k jobs > o; s=\$?; cut -c1-14 o; exit \$s" '{"id":"a.F.0",
' 'collect: jobs/zz/job.json: invalid JSON: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'x'"'"'
'
expect unsafe-member 1 "$JOB && mkdir -p evil && echo '{\"id\":\"e\",\"kind\":\"static3\"}' > evil/job.json &&
	python3 -c 'import tarfile; t=tarfile.open(\"bad.tar.gz\",\"w:gz\"); t.add(\"evil/job.json\",\"e/job.json\"); t.add(\"evil/job.json\",\"../../escape.txt\"); t.close()' &&
	collect -k bad.tar.gz jobs > o; s=\$?; cut -c1-14 o; ls .. | grep -c escape; exit \$s" '{"id":"a.F.0",
0
' "collect: bad.tar.gz: member '../../escape.txt' leaves the archive's tree: refused
"

# kill -9 while archiving 200 jobs: each job is a directory or a complete
# archive (or both), never neither; a second run finishes the work.  No
# sleep decides when: collect writes into a pipe no one reads, so it cannot
# finish (it blocks when the pipe is full, about 180 jobs in), and the kill
# comes once the first archive is there; whatever it interrupts, the checks
# below hold.  A job's emptied directory may stay behind (killed between
# removing job.json and the directory itself): it is no job, so a second
# run has nothing left to do, and "jobs" is counted by job.json.
expect kill-during-archive 0 "$JOB && for i in \$(seq 1 199); do cp -r jobs/a.F.0 jobs/a.F.\$i; sed -i \"s/a.F.0/a.F.\$i/\" jobs/a.F.\$i/job.json; done &&
	mkfifo pipe && exec 3<>pipe && { collect -q -a arch jobs > pipe & pid=\$!;
	n=0; until ls arch 2>/dev/null | grep -q 'tar.gz\$' || [ \$n -ge 6000 ]; do sleep 0.01; n=\$((n+1)); done;
	kill -0 \$pid && echo alive; kill -9 \$pid; wait \$pid; echo status \$?; } 2>/dev/null; exec 3<&-;
	lost=0; for i in \$(seq 0 199); do
		if [ -f arch/a.F.\$i.tar.gz ]; then tar -tzf arch/a.F.\$i.tar.gz > /dev/null 2>&1 || lost=\$((lost+1));
		elif [ ! -f jobs/a.F.\$i/job.json ]; then lost=\$((lost+1)); fi; done; echo lost \$lost;
	collect -q -a arch jobs > /dev/null && ls arch | grep -c 'tar.gz\$' && ls arch | grep -c tmp; find jobs -name job.json | wc -l &&
	collect arch | grep -c '\"state\":\"done\"'" 'alive
status 137
lost 0
200
0
0
200
' ''

# The points a kill can leave a job at, made by hand, one job each: a
# temporary archive cut short (1), the archive renamed into place but
# nothing removed (2), some files removed (3), all but job.json (4),
# job.json too but not the directories (5).  One run finishes every one,
# and the archives read as an uninterrupted run's do.
expect kill-points 0 "$JOB && for i in 1 2 3 4 5; do cp -r jobs/a.F.0 jobs/a.F.\$i; sed -i \"s/a.F.0/a.F.\$i/\" jobs/a.F.\$i/job.json; done &&
	mkdir ref && cp -r jobs ref/ && (cd ref && collect -q -a arch jobs > /dev/null && collect arch > ../want) &&
	mkdir arch && head -c 3000 ref/arch/a.F.1.tar.gz > arch/a.F.1.tar.gz.tmp.99999 &&
	for i in 2 3 4 5; do cp ref/arch/a.F.\$i.tar.gz arch/; done &&
	rm jobs/a.F.3/start/OUTCAR.gz jobs/a.F.3/mid/OUTCAR.gz && rm jobs/a.F.4/*/OUTCAR.gz && rm jobs/a.F.5/*/OUTCAR.gz jobs/a.F.5/job.json &&
	collect -q -a arch jobs > /dev/null && ls arch && find jobs -name job.json | wc -l && collect arch | cmp - want && echo same" 'a.F.0.tar.gz
a.F.1.tar.gz
a.F.2.tar.gz
a.F.3.tar.gz
a.F.4.tar.gz
a.F.5.tar.gz
0
same
' ''

finish
