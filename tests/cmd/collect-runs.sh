#!/bin/sh
# collect on any VASP run: plain run directories, VTST NEB directories,
# trees of them, custodian's numbered steps; a barrier only from the job's
# whole set of images; a path with no run is an error that names it.
. "$(dirname "$0")/../lib.sh"

V='$DATA/vasp'
# the fields that say what was read
F="grep -o '\"id\":\"[^\"]*\"\\|\"state\":\"[^\"]*\"\\|\"kind\":\"[^\"]*\"\\|\"energies\":\\[[^]]*\\]\\|\"energy_barrier\":[^,]*\\|\"converged\":[a-z]*'"

expect plain-relax 0 "cp -r $V/si_relax si && collect si | $F" '"id":"si"
"state":"done"
"kind":"relax"
"energies":[-10.84671647]
"converged":true
' ''
expect plain-static 0 "cp -r $V/static_v51 nacl && collect nacl | $F" '"id":"nacl"
"state":"done"
"kind":"static"
"energies":[-27.11090125]
"converged":true
' ''
expect plain-no-barrier 0 "cp -r $V/si_relax si && collect si | grep -c 'barrier\\|energies_relative' || :" '0
' ''
expect oszicar-only 0 "mkdir nc && cp $V/OSZICAR.nonconv nc/OSZICAR && collect nc | $F" '"id":"nc"
"state":"done"
"kind":"run"
"energies":[-3.5078944]
"converged":false
' ''
# a run that died: every file's problem named, the other runs still read
expect dead-run-among-others 0 "mkdir -p t/a t/b && cp -r $V/large_cell/* t/a && cp -r $V/si_relax/* t/b && collect t | $F && collect t | grep -o '\"problems\":{[^}]*}'" '"id":"t.a"
"state":"no-output"
"kind":"run"
"energies":[null]
"converged":false
"id":"t.b"
"state":"done"
"kind":"relax"
"energies":[-10.84671647]
"converged":true
"problems":{".":"t/a/OUTCAR:961: OUTCAR has no energy (the run died or the file is truncated); t/a/vasprun.xml:441: vasprun.xml is cut short (no </modeling>)"}
' ''
# custodian's numbered steps: the last one is the result
expect custodian-steps 0 "mkdir im && gzip -dc $V/approxneb/ep0.OUTCAR.gz > im/OUTCAR.relax1 && gzip -dc $V/approxneb/im0.OUTCAR.gz > im/OUTCAR.relax2 && collect im | $F" '"id":"im"
"state":"done"
"kind":"static"
"energies":[-196.51819129]
"converged":true
' ''
# A VTST NEB directory: 00 ... N+1, no job.json.
VTST="mkdir -p n/00 n/01 n/02 n/03 && cp $V/approxneb/ep0.OUTCAR.gz n/00/OUTCAR.gz && cp $V/approxneb/im0.OUTCAR.gz n/01/OUTCAR.gz &&
	cp $V/approxneb/im1.OUTCAR.gz n/02/OUTCAR.gz && cp $V/approxneb/ep1.OUTCAR.gz n/03/OUTCAR.gz"
expect vtst-neb 0 "$VTST && collect n | $F" '"id":"n"
"state":"done"
"kind":"neb"
"energies":[-196.51794577,-196.51819129,-192.10379828,-196.51794671]
"energy_barrier":4.414147490000005
"converged":true
' ''
# VTST leaves only a POSCAR in the endpoints: no barrier from the images alone.
expect vtst-endpoints-missing 0 "$VTST && rm n/00/OUTCAR.gz n/03/OUTCAR.gz && touch n/00/POSCAR n/03/POSCAR && collect n | $F && collect n | grep -o '\"problems\":{[^}]*}'" '"id":"n"
"state":"incomplete"
"kind":"neb"
"energies":[null,-196.51819129,-192.10379828,null]
"converged":false
"problems":{"00":"no output","03":"no output"}
' ''
# make-neb's NEB job the same way, and one whose image directory is missing
JOB="$VTST && echo '{\"id\":\"j\",\"kind\":\"neb\",\"nimages\":2}' > n/job.json"
expect job-endpoint-missing 0 "$JOB && rm n/00/OUTCAR.gz && mkdir -p n/00 && collect n | $F" '"id":"j"
"state":"incomplete"
"kind":"neb"
"energies":[null,-196.51819129,-192.10379828,-196.51794671]
"converged":false
' ''
expect job-image-gap 0 "$JOB && mkdir n/05 && cp n/01/OUTCAR.gz n/05 && collect n | grep -o '\"state\":\"[a-z]*\"\\|\"problems\":{[^}]*}'" '"state":"incomplete"
"problems":{"images":"5 image directories; an NEB of 2 images has 4"}
' ''
expect job-image-name-gap 0 "$VTST && mv n/02 n/04 && echo '{\"id\":\"j\",\"kind\":\"neb\"}' > n/job.json && collect n | grep -o '\"state\":\"[a-z]*\"\\|\"problems\":{[^}]*}'" '"state":"incomplete"
"problems":{"images":"no image directory 02"}
' ''
# Energies computed with different settings are no barrier: the cause is named.
S3="mkdir -p s/start s/mid s/end && cp $V/approxneb/ep0.OUTCAR.gz s/start/OUTCAR.gz && cp $V/approxneb/im1.OUTCAR.gz s/mid/OUTCAR.gz &&
	cp $V/approxneb/ep1.OUTCAR.gz s/end/OUTCAR.gz && echo '{\"id\":\"s\",\"kind\":\"static3\"}' > s/job.json"
P="grep -o '\"state\":\"[a-z]*\"\\|\"energy_barrier\"\\|\"problems\":{[^}]*}'"
expect consistent 0 "$S3 && collect s | $P" '"state":"done"
"energy_barrier"
' ''
expect encut-differs 0 "$S3 && gzip -dc $V/approxneb/ep1.OUTCAR.gz | sed 's/ENCUT  =  520.0 eV/ENCUT  =  600.0 eV/' > s/end/OUTCAR && rm s/end/OUTCAR.gz && collect s | $P" '"state":"inconsistent"
"problems":{"settings":"start and end differ: ENCUT 520 and 600 eV"}
' ''
expect potcars-differ 0 "$S3 && cp $V/static_v51/OUTCAR.gz s/end/OUTCAR.gz && collect s | $P" '"state":"inconsistent"
"problems":{"settings":"start and end differ: ENCUT 520 and 500 eV"}
' ''
expect potcars-differ-same-encut 0 "$S3 && gzip -dc $V/approxneb/ep1.OUTCAR.gz | sed 's/TITEL  = PAW_PBE Mn_pv 07Sep2000/TITEL  = PAW_PBE Mn 06Sep2000/' > s/end/OUTCAR && rm s/end/OUTCAR.gz && collect s | $P" '"state":"inconsistent"
"problems":{"settings":"start and end differ: POTCARs PAW_PBE Li_sv 23Jan2001, PAW_PBE Mn_pv 07Sep2000, PAW_PBE O 08Apr2002 and PAW_PBE Li_sv 23Jan2001, PAW_PBE Mn 06Sep2000, PAW_PBE O 08Apr2002"}
' ''
expect plus-u-differs 0 "$S3 && gzip -dc $V/approxneb/im1.OUTCAR.gz | sed '/^   TITEL  = PAW_PBE O/a\\   U (eV)           for each species LDAUU =    0.00   3.90   0.00' > s/mid/OUTCAR && rm s/mid/OUTCAR.gz && collect s | $P" '"state":"inconsistent"
"problems":{"settings":"start and mid differ: +U off and 0 3.9 0"}
' ''
expect kpoints-differ 0 "$S3 && printf 'k\\n0\\nGamma\\n4 4 4\\n' > s/start/KPOINTS && printf 'mesh\\n0\\nGamma\\n 4  4  4\\n' > s/mid/KPOINTS && printf 'k\\n0\\nGamma\\n2 2 2\\n' > s/end/KPOINTS && collect s | $P" '"state":"inconsistent"
"problems":{"settings":"start and end differ: KPOINTS '"'"'0 Gamma 4 4 4'"'"' and '"'"'0 Gamma 2 2 2'"'"'"}
' ''
# the same from vasprun.xml
X3="mkdir -p x/start x/mid x/end && for i in start mid end; do cp $V/static_v51/vasprun.xml.gz x/\$i; done && echo '{\"id\":\"x\",\"kind\":\"static3\"}' > x/job.json"
expect vasprun-consistent 0 "$X3 && collect x | $P" '"state":"done"
"energy_barrier"
' ''
expect vasprun-ispin-differs 0 "$X3 && gzip -dc $V/static_v51/vasprun.xml.gz | sed 's/name=\"ISPIN\">     1</name=\"ISPIN\">     2</' > x/mid/vasprun.xml && rm x/mid/vasprun.xml.gz && collect x | $P" '"state":"inconsistent"
"problems":{"settings":"start and mid differ: ISPIN 1 and 2"}
' ''
# Nothing there: said, by name, with exit 1; the other paths still read.
expect no-run 0 "mkdir -p empty x && touch x/POSCAR x/INCAR && cp -r $V/si_relax si && { collect x empty si > o; echo \$?; } && $F o" '1
"id":"si"
"state":"done"
"kind":"relax"
"energies":[-10.84671647]
"converged":true
' 'collect: x: no VASP run in it (no job.json, no NEB images 00 ... N+1, no OUTCAR, OSZICAR or vasprun.xml)
'
# the ids of runs in a tree come from their paths
expect tree-ids 0 "mkdir -p study/run-1/relax 'study/run 2' && cp $V/si_relax/* study/run-1/relax && cp $V/si_relax/* 'study/run 2' && collect ./study | grep -o '\"id\":\"[^\"]*\"'" '"id":"study.run_2"
"id":"study.run-1.relax"
' ''
finish
