#!/bin/sh
# The DFT hierarchy by hand, with ff-calc for VASP: shared endpoint
# relaxations run and collected, NEBs prepared from them, run, collected.
. "$(dirname "$0")/../lib.sh"

S='$DATA/structures'
JOBS="fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q -n 2 | make-neb -q -t neb -i 3 --idpp --climb --relax-endpoints -d calcs > jobs.jsonl"
RUN="run-vasp topup -n 2 --wait --poll 0.05 -c 'ff-calc -q' 2>/dev/null"
KIND="grep '\"kind\":\"relax\"' jobs.jsonl > relax.jsonl && grep '\"kind\":\"neb\"' jobs.jsonl > neb.jsonl"
F="grep -o '\"id\":\"[^\"]*\"\\|\"kind\":\"[a-z]*\"\\|\"state\":\"[a-z-]*\"\\|\"converged\":[a-z]*,\"converged_images\"\\|\"energy_barrier\"' | sed 's/,\"converged_images\"//'"

# fluorite: both hops' endpoints are one vacancy orbit of the supercell
expect one-relaxation 0 "$JOBS && $KIND && wc -l < relax.jsonl && wc -l < neb.jsonl" '1
2
' ''
# a relaxation job runs in its own directory and is collected as one (the
# hops, not run yet, are not finished)
expect relaxation-runs 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && collect -S jobs calcs | $F" '"id":"mp-2741.Fvac2.m166977b8"
"state":"done"
"kind":"relax"
"converged":true
' ''
# and archived, it reads the same
expect relaxation-archived 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && collect -q -S jobs calcs/mp-2741.Fvac2.m166977b8 > a &&
	collect -q -S jobs -a arch calcs/mp-2741.Fvac2.m166977b8 > /dev/null && collect -q -S jobs arch | sed 's/\"archive\":\"[^\"]*\"/WHERE/' > b &&
	sed 's/\"dir\":\"[^\"]*\"/WHERE/' a | cmp - b && echo same" 'same
' ''
# then the NEBs, prepared from the relaxed parent, run to a barrier
expect nebs-from-parents 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && make-neb --prepare calcs/mp-2741.F.0 calcs/mp-2741.F.1 &&
	ls calcs/mp-2741.F.0 | tr '\\n' ' ' && echo && run-vasp add neb.jsonl 2>/dev/null && $RUN && collect -S jobs calcs/mp-2741.F.0 calcs/mp-2741.F.1 | $F" '00 01 02 03 04 INCAR KPOINTS POTCAR.spec job.json 
"id":"mp-2741.F.0"
"state":"done"
"kind":"neb"
"energy_barrier"
"converged":true
"id":"mp-2741.F.1"
"state":"done"
"kind":"neb"
"energy_barrier"
"converged":true
' ''
# the NEBs' endpoints are the relaxation's outputs, and stay so: after the
# NEBs ran, 00/ and 04/ hold the parent's OUTCAR and OSZICAR byte for byte
# (and nothing the NEB wrote), and collect's barrier is the highest image's
# energy less the parent's
PARENT=calcs/mp-2741.Fvac2.m166977b8
SAME="for d in calcs/mp-2741.F.0 calcs/mp-2741.F.1; do for e in 00 04; do for f in OUTCAR OSZICAR; do cmp $PARENT/\$f \$d/\$e/\$f || exit 1; done; ls \$d/\$e | tr '\\n' ' '; echo; done; done"
# a result line: its energies' ends equal e (the parent's), its barrier the highest less e
BAR_AWK=$(cat <<'AWK'
FNR == NR { if (/energy\(sigma->0\)/) e = $NF; next }
{
	match($0, /"energies":\[[^]]*\]/); n = split(substr($0, RSTART + 12, RLENGTH - 13), en, ",")
	match($0, /"energy_barrier":[-0-9.e]*/); b = substr($0, RSTART + 17, RLENGTH - 17)
	m = en[1]; for (k = 2; k <= n; k++) if (en[k] > m) m = en[k]
	d = b - (m - e)
	print (n == 5 && en[1] == e && en[n] == e && d * d < 1e-12) ? "barrier from the parent energy" : $0
}
AWK
)
export BAR_AWK
BAR="collect -q -S jobs calcs/mp-2741.F.0 calcs/mp-2741.F.1 | awk \"\$BAR_AWK\" $PARENT/OUTCAR -"
expect nebs-keep-parents-outputs 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && make-neb --prepare calcs/mp-2741.F.0 calcs/mp-2741.F.1 &&
	run-vasp add neb.jsonl 2>/dev/null && $RUN && $SAME && $BAR" 'OSZICAR OUTCAR POSCAR 
OSZICAR OUTCAR POSCAR 
OSZICAR OUTCAR POSCAR 
OSZICAR OUTCAR POSCAR 
barrier from the parent energy
barrier from the parent energy
' ''
# Tier to tier by records: tier A's static3 results, ranked, build tier B's
# NEBs; nothing of tier A's calculation is carried as tier B's own (the one
# barrier in a tier B record is under "previous"), and tier B runs by
# itself: relaxation, then the waiting NEB.
TA="fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q -n 2 | make-neb -q -t static3 -d a > ja.jsonl && run-vasp -s sa add ja.jsonl 2>/dev/null &&
	run-vasp -s sa topup -n 2 --wait --poll 0.05 -c 'ff-calc -q' 2>/dev/null && collect -q -u ra.jsonl -S sa a"
expect tier-a-to-b 0 "$TA && rank -q -w 'energy_barrier < 5' -b energy_barrier -n 1 ra.jsonl | make-neb -q -t neb -i 3 --relax-endpoints -d b > jb.jsonl &&
	grep -c '\"kind\":\"neb\".*\"previous\":{\"kind\":\"static3\",\"dir\":\"a/mp-2741[.]F[.][01]\",\"state\":\"done\",\"run_state\":\"done\",\"energy_barrier\"' jb.jsonl &&
	grep '\"kind\":\"neb\"' jb.jsonl | grep -o '\"energy_barrier\"' | wc -l &&
	run-vasp -s sb add jb.jsonl 2>/dev/null && run-vasp -s sb topup -n 2 --wait --poll 0.05 -c 'ff-calc -q' 2>/dev/null &&
	collect -q -S sb b | grep -c '^{\"id\":\"mp-2741[.]F[.][01]\",\"state\":\"done\",\"kind\":\"neb\".*\"energy_barrier\":[0-9.]*,\"barrier_forward\"'" '1
1
1
' ''
finish
