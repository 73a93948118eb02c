# pipeline.mk - a hopkit study as make targets, one table per stage.
#
# In a study directory (CIFs in structures/, or SOURCES= a download):
#
#   make -f /path/to/hopkit/scripts/pipeline.mk ION=F CUTOFF=5 LIMIT=100
#
# builds structures.jsonl -> paths.jsonl -> measured.jsonl -> queue.jsonl ->
# jobs.jsonl (make-neb directories under calcs/, registered with run-vasp),
# each only when its input or the parameters it uses changed.  Then
#
#   make -f .../pipeline.mk run            one top-up: start ready jobs (cron does this)
#   make -f .../pipeline.mk drain          local executor: top up until nothing is left
#   make -f .../pipeline.mk results.jsonl  collect: one current record per finished job
#   make -f .../pipeline.mk table          the barriers, lowest first: only the table
#   make -f .../pipeline.mk status         run-vasp's counts per state
#   make -f .../pipeline.mk params         write study.mk if it is new or changed
#   make -f .../pipeline.mk report         report.html: the study in one page
#   make -f .../pipeline.mk model.json     with MODEL = yes: refit the model on results.jsonl
#   make -f .../pipeline.mk snapshot       every stage table in snapshots/NAME-TIME.tar.gz
#   make -f .../pipeline.mk snapshot-restore SNAP=snapshots/...tar.gz   bring them back
#
# DFT tiers.  Tier A is the calculation above (KIND, static3 by default) on
# the cheap ranking; its table is results.jsonl.  With TIERS = A B, tier B
# is built from tier A's table as the next tier of the hierarchy: rank
# B_WHERE / B_BY / B_LIMIT over results.jsonl -> queue-B.jsonl -> make-neb
# --relax-endpoints (B_KIND, climbing-image NEBs by default) ->
# jobs-B.jsonl, its directories in B_CALCS and its jobs in run-vasp's
# state directory B_STATE (a hop's relaxations are registered beside it,
# and tier B's hops have tier A's ids) -> results-B.jsonl, its own table
# (table-B).  It is rebuilt whenever tier A's table changes, and adds only
# hops it does not know.  run, drain, status and results act on every tier
# in TIERS (drain: tier A to the end, then tier B).  A tier reuses a lower
# tier's relaxed endpoints: tier B's relaxations start from tier A's
# (RELAX = yes) relaxation of the same vacancy in B_ENDPOINTS_FROM; and
# with REUSE_WAVECAR = yes every relaxation keeps WAVECAR and CHGCAR and
# what is prepared from it starts from them (make-neb --reuse-wavecar).
#
# The study's parameters live in study.mk in the study directory (STUDY=
# names another file).  The first run writes it with every value it used;
# edit it, or give NAME=value on the command line: that value is used and
# written back (the line is replaced, the rest of the file kept), so a
# later "make run" uses it too and never falls back to a default.  Each
# stage's values are also kept in .params/STAGE, rewritten only when they
# change, so a stage is rebuilt exactly when they do.
#
# JOBS, the threads of find-paths and measure, is the number of cores unless
# set.  SHARDS=N above 1 runs find-paths and measure on N parts of their
# input cut by structure (shard(1)): one after another, or with EXECUTOR =
# slurm as one array job per stage, JOBS CPUs a task.  Progress shows when standard error is a terminal (-q otherwise).
# make -n prints what would run and changes nothing, study.mk included; it
# takes the tables as they are (collect, which runs every time, is left
# out of a dry run: whether it would change a table only running it can
# tell, and tier B would always look due).

HOPKIT     := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
THIS       := $(abspath $(lastword $(MAKEFILE_LIST)))
BIN        ?= $(HOPKIT)/bin
STUDY      ?= study.mk
NCORES     := $(shell nproc 2>/dev/null || echo 1)
QUIET      := $(shell [ -t 2 ] || echo -q)
# the migrating ion's oxidation state, for WHERE
ION_OXIDATION = -$(if $(filter F Cl Br I,$(ION)),1,2)

-include $(STUDY)

# The defaults, for what study.mk (or the command line) does not set.  Each
# doc.NAME is the comment above NAME in a new study.mk.
doc.SOURCES    = what fetch-structures reads: files, folders, .tar.gz/.zip downloads
SOURCES       ?= structures
doc.ION        = the migrating ion (find-paths --ion)
ION           ?= F
doc.CUTOFF     = the longest hop, in angstrom (find-paths --cutoff)
CUTOFF        ?= 5
doc.MAX_PATHS  = the shortest distinct hops kept per structure (find-paths --max-paths)
MAX_PATHS     ?= 5
doc.JOBS       = threads of find-paths and measure (-j); $$(NCORES) is the number of cores
JOBS          ?= $(NCORES)
doc.SHARDS     = parts find-paths and measure are cut into by structure (shard), each run on its own: one after another, or as one Slurm array job with EXECUTOR = slurm; 1: one run over the whole table
SHARDS        ?= 1
doc.WHERE      = which hops get a calculation (rank --where); $$(ION_OXIDATION) is -1 for F Cl Br I, else -2
WHERE         ?= measures.dimensionality >= 1 and measures.oxidation_state == $(ION_OXIDATION)
doc.BY         = in which order (rank --by)
BY            ?= measures.bvse_barrier
doc.MODEL      = yes: once MIN_TRAIN results have a barrier, tier A's queue is ordered by a model of them (learn; prediction.value, lowest first) instead of BY, refit whenever results.jsonl changes, and the hops a refit brings into the first LIMIT are added; no: by BY alone
MODEL         ?= no
doc.MIN_TRAIN  = results with a barrier before the model orders the queue (MODEL = yes)
MIN_TRAIN     ?= 30
doc.LIMIT      = how many hops are queued (rank --limit)
LIMIT         ?= 100
doc.KIND       = the calculations: static3 (start, mid, end) or neb (make-neb --kind)
KIND          ?= static3
doc.IMAGES     = interior images of an neb (make-neb --images)
IMAGES        ?= 5
doc.INCAR      = INCAR tags over the preset, KEY=VALUE separated by spaces (make-neb -I)
INCAR         ?=
doc.RELAX      = yes: relax the endpoints first, once per distinct vacancy (make-neb --relax-endpoints)
RELAX         ?= no
doc.CALCS      = where the job directories go (make-neb --out)
CALCS         ?= calcs
doc.STATE      = run-vasp's state directory
STATE         ?= jobs
doc.MAX_ACTIVE = jobs queued or running at once (run-vasp topup -n)
MAX_ACTIVE    ?= 20
doc.EXECUTOR   = local or slurm (run-vasp topup -e)
EXECUTOR      ?= local
doc.VASP_CMD   = how one calculation starts, e.g. srun vasp_std; unset: hopkit's ff-calc
VASP_CMD      ?= $(BIN)/ff-calc -q
doc.WALLTIME   = seconds a run may take, 0 for no limit (run-vasp --walltime)
WALLTIME      ?= 0
doc.SLURM_CONFIG = the sbatch settings file, for EXECUTOR = slurm (run-vasp --slurm-config)
SLURM_CONFIG  ?=
doc.ARCHIVE    = yes: collect packs each done job into CALCS/ID.tar.gz (verified, large files dropped) and removes its directory, so the study does not grow without bound (not with REUSE_WAVECAR = yes, whose relaxations later runs start from); scripts/topup sets it unless this file does
ARCHIVE       ?= no
doc.REUSE_WAVECAR = yes: relaxations keep WAVECAR and CHGCAR, and what is prepared from them starts from them (make-neb --reuse-wavecar)
REUSE_WAVECAR ?= no
doc.TIERS      = the DFT tiers: A (KIND on the cheap ranking), or A B (then B_KIND on tier A's barriers)
TIERS         ?= A
doc.B_WHERE    = which tier A results tier B calculates (rank --where over results.jsonl)
B_WHERE       ?= energy_barrier < 1
doc.B_BY       = in which order
B_BY          ?= energy_barrier
doc.B_LIMIT    = how many tier A results are queued for tier B
B_LIMIT       ?= 20
doc.B_KIND     = tier B's calculations, always between relaxed endpoints: neb or static3
B_KIND        ?= neb
doc.B_IMAGES   = interior images of a tier B neb
B_IMAGES      ?= 5
doc.B_CLIMB    = yes: climbing image (make-neb --climb)
B_CLIMB       ?= yes
doc.B_INCAR    = INCAR tags over tier B's preset, KEY=VALUE separated by spaces
B_INCAR       ?=
doc.B_ENDPOINTS_FROM = a lower tier's job directories whose relaxations tier B's start from (make-neb --endpoints-from); empty: none
B_ENDPOINTS_FROM ?= $(CALCS)
doc.B_CALCS    = where tier B's job directories go
B_CALCS       ?= calcs-B
doc.B_STATE    = tier B's run-vasp state directory
B_STATE       ?= jobs-B
doc.B_MAX_ACTIVE = tier B's jobs queued or running at once
B_MAX_ACTIVE  ?= $(MAX_ACTIVE)

PARAMS := SOURCES ION CUTOFF MAX_PATHS JOBS SHARDS WHERE BY MODEL MIN_TRAIN LIMIT KIND IMAGES INCAR RELAX CALCS \
	STATE MAX_ACTIVE EXECUTOR VASP_CMD WALLTIME SLURM_CONFIG ARCHIVE REUSE_WAVECAR TIERS \
	B_WHERE B_BY B_LIMIT B_KIND B_IMAGES B_CLIMB B_INCAR B_ENDPOINTS_FROM B_CALCS B_STATE B_MAX_ACTIVE

export PATH := $(BIN):$(PATH)

# A word quoted for sh, and each word of a list.  Every value reaches a
# recipe quoted: a value (from a tiers line, say) is data, never shell.
q = '$(subst ','\'',$(1))'
qw = $(foreach w,$(1),$(call q,$(w)))

# study.mk: NAME = VALUE as make reads it back (a # would start a comment).
hash := \#
comma := ,
study_line = $(1) =$(if $(value $(1)), $(subst $(hash),\$(hash),$(value $(1))))
study_new = '\# $(STUDY): the parameters of this study, read by $(THIS).' \
	'\# Edit a value, or give NAME=value to make: it is used and written back here.' \
	'\# A stage is rebuilt when a value it uses changes.  Values are make syntax.' \
	$(foreach v,$(PARAMS),'' $(call q,$(hash) $(doc.$(v))) $(call q,$(call study_line,$(v))))
given := $(foreach v,$(PARAMS),$(if $(filter command line,$(origin $(v))),$(v)))
# The file as it should be: the lines of the variables given on the command
# line replaced (or added), everything else as it is; a new one if none.
study_text = { printf '%s\n' $(foreach v,$(given),$(call q,$(call study_line,$(v)))) '--end--'; \
	if [ -f $(STUDY) ]; then cat $(STUDY); else printf '%s\n' $(study_new); fi; } | \
	awk -v head=1 'head { if ($$0 == "--end--") head = 0; else { n = $$1; rep[n] = $$0; ord[++k] = n }; next } \
	{ n = $$0; if (sub(/[ \t]*[:?+]?=.*/, "", n) && n in rep) { print rep[n]; done[n] = 1; next }; print } \
	END { for (i = 1; i <= k; i++) if (!(ord[i] in done)) print rep[ord[i]] }'
# What would change, as "NAME = VALUE; ...", --new-- for a new file, or nothing.
study_changes := $(shell $(study_text) | if [ -f $(STUDY) ]; then diff $(STUDY) - | \
	sed -n 's/^> //p' | paste -sd '|' - | sed 's/|/; /g'; else echo --new--; fi)
study_new_msg = written with the values used: edit it, or give NAME=value to make

# .params/NAME: the values of VARS, one a line; remade (and what reads it
# rebuilt) only when one of them changed.
define nl


endef
lines = $(if $(2),$($(1))$(nl)$(call lines,$(firstword $(2)),$(wordlist 2,99,$(2))),$($(1)))
define params
params.now.$(1) = $$(call lines,$(firstword $(2)),$(wordlist 2,99,$(2)))
params.was.$(1) := $$(file <.params/$(1))
ifneq ($$(params.now.$(1)),$$(params.was.$(1)))
.params/$(1): FORCE
endif
.params/$(1):
	@mkdir -p .params
	@printf '%s\n' $(foreach v,$(2),$$(call q,$$($(v)))) > $$@
endef
$(eval $(call params,structures,SOURCES))
$(eval $(call params,paths,ION CUTOFF MAX_PATHS))
$(eval $(call params,queue,WHERE BY MODEL LIMIT))
$(eval $(call params,model,MIN_TRAIN))
$(eval $(call params,jobs,KIND IMAGES INCAR RELAX REUSE_WAVECAR CALCS))
$(eval $(call params,queue-B,B_WHERE B_BY B_LIMIT))
$(eval $(call params,jobs-B,B_KIND B_IMAGES B_CLIMB B_INCAR REUSE_WAVECAR B_ENDPOINTS_FROM B_CALCS))

# A top-up of state directory $(1), at most $(2) jobs active.
topup = run-vasp -s $(call q,$(1)) topup -n $(call q,$(2)) -e $(call q,$(EXECUTOR)) -c $(call q,$(VASP_CMD)) \
	$(if $(filter-out 0,$(WALLTIME)),--walltime $(call q,$(WALLTIME))) \
	$(if $(SLURM_CONFIG),--slurm-config $(call q,$(SLURM_CONFIG)))
TOPUP = $(call topup,$(STATE),$(MAX_ACTIVE))
TOPUP_B = $(call topup,$(B_STATE),$(B_MAX_ACTIVE))
yes = $(filter yes,$(1))
# tier B is on; the state directories of the tiers in force
tier_b = $(filter B,$(TIERS))
states = $(STATE) $(if $(tier_b),$(B_STATE))
# make-neb's options for relaxations of either tier
reuse = $(if $(call yes,$(REUSE_WAVECAR)),--reuse-wavecar)

.DEFAULT_GOAL := all
all: jobs.jsonl $(if $(tier_b),jobs-B.jsonl)

# The script is in the environment, so that make -n prints what it says.
params: export STUDY_SCRIPT = $(study_text)
params:
ifneq ($(study_changes),)
	@echo $(call q,$(STUDY): $(if $(filter --new--,$(study_changes)),$(study_new_msg),$(study_changes))) >&2
	@sh -c "$$STUDY_SCRIPT" > $(STUDY).tmp && mv $(STUDY).tmp $(STUDY)
endif

structures.jsonl: $(SOURCES) .params/structures | params
	fetch-structures $(QUIET) --sanitize --dedupe -o $@ $(call qw,$(SOURCES))

# With SHARDS above 1 a cheap stage is cut into parts by structure
# (.shards/TABLE-N/in.K.jsonl, unchanged parts keeping their time), run on
# each part that is due (its input or parameters newer than its output: a
# part that failed, alone, on a rerun) and joined back in input order, the
# same table as one run gives.  $(1): the input, $(2): the table made,
# $(3): the stage's command (shard run appends -o OUT IN), $(4): what else
# makes a part due.
shards = .shards/$(basename $(2))-$(SHARDS)
sharded = mkdir -p $(shards) && shard split $(QUIET) -n $(call q,$(SHARDS)) -d $(shards) $(1) && \
	shard run $(QUIET) -n $(call q,$(SHARDS)) -d $(shards) -e $(call q,$(EXECUTOR)) -c $(call q,$(JOBS)) \
		$(if $(SLURM_CONFIG),--slurm-config $(call q,$(SLURM_CONFIG))) $(foreach a,$(4),-a $(a)) -- $(3) && \
	shard join $(QUIET) -n $(call q,$(SHARDS)) -d $(shards) -o $(2) $(1)
stage = $(if $(filter-out 1,$(SHARDS)),$(call sharded,$(1),$(2),$(3),$(4)),$(3) -o $(2) $(1))

paths.jsonl: structures.jsonl .params/paths | params
	$(call stage,structures.jsonl,$@,find-paths $(QUIET) -j $(call q,$(JOBS)) --ion $(call q,$(ION)) \
		--cutoff $(call q,$(CUTOFF)) --max-paths $(call q,$(MAX_PATHS)),.params/paths)

measured.jsonl: paths.jsonl | params
	$(call stage,paths.jsonl,$@,measure $(QUIET) -j $(call q,$(JOBS)))

ifeq ($(MODEL),yes)
# The learned ranking: the queue follows the model while there is one,
# and BY until MIN_TRAIN results have a barrier.  A refit that moves new
# hops into the first LIMIT adds their jobs (the finished ones stay), so
# the calculations go where the model, as it learns, expects low barriers.  The model is refit
# whenever results.jsonl changed (so collect runs first: see results.jsonl),
# and learn cv's figures are kept beside it in model-cv.txt.
model_rank = if [ -f model.json ]; then learn predict $(QUIET) -m model.json measured.jsonl | \
	rank $(QUIET) -w $(call q,$(WHERE)) -b prediction.value -n $(call q,$(LIMIT)) -o $@; \
	else rank $(QUIET) -w $(call q,$(WHERE)) -b $(call q,$(BY)) -n $(call q,$(LIMIT)) -o $@ measured.jsonl; fi

queue.jsonl: measured.jsonl model.json .params/queue | params
	$(model_rank)

model.json: $(if $(wildcard $(CALCS)),results.jsonl) .params/model | params
	@n=$$([ -f results.jsonl ] && rank -q -w 'energy_barrier is not null' results.jsonl | wc -l || echo 0); \
	if [ "$$n" -lt $(call q,$(MIN_TRAIN)) ]; then \
		echo "model: $$n results with a barrier, $(MIN_TRAIN) wanted: the queue is ordered by $(BY)" >&2; \
		rm -f $@ model-cv.txt; \
	else \
		if learn cv -q results.jsonl > model-cv.txt.tmp 2> model-cv.err; then \
			mv model-cv.txt.tmp model-cv.txt && cv="cross-validated spearman $$(awk '/^all/ { print $$4 }' model-cv.txt)"; \
		else rm -f model-cv.txt.tmp model-cv.txt; cv="no cross-validation ($$(sed -n '$$s/^learn: //p' model-cv.err))"; fi; \
		rm -f model-cv.err; \
		learn fit -q -m $@ results.jsonl && echo "model: refit on $$n results, $$cv" >&2; \
	fi
else
queue.jsonl: measured.jsonl .params/queue | params
	rank $(QUIET) -w $(call q,$(WHERE)) -b $(call q,$(BY)) -n $(call q,$(LIMIT)) -o $@ measured.jsonl
endif

# make-neb keeps existing directories and run-vasp add knows its jobs, so a
# wider queue adds only the new hops.
jobs.jsonl: queue.jsonl .params/jobs | params
	make-neb $(QUIET) -k -t $(call q,$(KIND)) --idpp $(if $(filter neb,$(KIND)),-i $(call q,$(IMAGES))) \
		$(if $(call yes,$(RELAX)),--relax-endpoints $(reuse)) \
		$(foreach i,$(INCAR),-I $(call q,$(i))) -d $(call q,$(CALCS)) -o $@.tmp queue.jsonl || [ $$? -eq 1 ]
	run-vasp -s $(call q,$(STATE)) add $@.tmp
	mv $@.tmp $@

# Tier B: the next tier on tier A's table, rebuilt when that changes.
queue-B.jsonl: results.jsonl .params/queue-B | params
	rank $(QUIET) -w $(call q,$(B_WHERE)) -b $(call q,$(B_BY)) -n $(call q,$(B_LIMIT)) -o $@ results.jsonl

jobs-B.jsonl: queue-B.jsonl .params/jobs-B | params
	make-neb $(QUIET) -k -t $(call q,$(B_KIND)) --idpp --relax-endpoints $(reuse) \
		$(if $(filter neb,$(B_KIND)),-i $(call q,$(B_IMAGES)) $(if $(call yes,$(B_CLIMB)),--climb)) \
		$(if $(B_ENDPOINTS_FROM),--endpoints-from $(call q,$(B_ENDPOINTS_FROM))) \
		$(foreach i,$(B_INCAR),-I $(call q,$(i))) -d $(call q,$(B_CALCS)) -o $@.tmp queue-B.jsonl || [ $$? -eq 1 ]
	run-vasp -s $(call q,$(B_STATE)) add $@.tmp
	mv $@.tmp $@

run: all | params
	run-vasp -s $(call q,$(STATE)) sync
	$(TOPUP) || [ $$? -eq 3 ]
ifneq ($(tier_b),)
	run-vasp -s $(call q,$(B_STATE)) sync
	$(TOPUP_B) || [ $$? -eq 3 ]
endif

# Tier A to the end, then tier B on tier A's whole table.
drain: jobs.jsonl | params
	$(TOPUP) --wait
	run-vasp -s $(call q,$(STATE)) status
ifneq ($(tier_b),)
	@$(MAKE) -f $(THIS) --no-print-directory jobs-B.jsonl
	$(TOPUP_B) --wait
	run-vasp -s $(call q,$(B_STATE)) status
endif

dry_run := $(findstring n,$(firstword -$(MAKEFLAGS)))
collect_always := $(if $(dry_run),,FORCE)

# collect -u keeps one current record per job, replaced when the job
# changed.  It runs every time: a job that finished while it ran is newer
# than the state directory's time that make would compare, and only
# collect's own stamps can tell (they cost a stat per file, not a read).
# Its line of counts (new, replaced, kept) goes to standard error even off
# a terminal, for scripts/topup's log.
# With ARCHIVE = yes a done job's directory becomes CALCS/ID.tar.gz, where
# make-neb --endpoints-from and run-vasp's preparation of waiting hops
# find a relaxation as they find its directory.
archive = $(if $(call yes,$(ARCHIVE)),$(if $(call yes,$(REUSE_WAVECAR)),,-a $(call q,$(1))))

results.jsonl: $(collect_always) | params
	collect -u $@ -S $(call q,$(STATE)) -p plots $(call archive,$(CALCS)) $(call q,$(CALCS))

results-B.jsonl: $(collect_always) | params
	collect -u $@ -S $(call q,$(B_STATE)) -p plots-B $(call archive,$(B_CALCS)) $(call q,$(B_CALCS))

# every tier's table
results: results.jsonl $(if $(tier_b),results-B.jsonl)

# Tier A's counts, then (after a line "tier B") tier B's.
status: | params
	@run-vasp -s $(call q,$(STATE)) status
ifneq ($(tier_b),)
	@echo 'tier B'
	@run-vasp -s $(call q,$(B_STATE)) status
endif

# The counts of every tier in force, summed per state (for scripts/topup).
counts: | params
	@for s in $(call qw,$(states)); do run-vasp -s $$s status; done | \
		awk '!($$1 in n) { o[++k] = $$1 } { n[$$1] += $$2 } END { for (i = 1; i <= k; i++) print o[i], n[o[i]] }'

# Only the table on standard output (the hops: no relaxation): what brings
# results.jsonl up to date says so on standard error.
table: | params
	@$(MAKE) -f $(THIS) --no-print-directory results.jsonl >&2
	@rank -w 'kind != "relax"' -b energy_barrier --csv --fields $(call q,rank$(comma)id$(comma)formula$(comma)length$(comma)$(BY)$(comma)energy_barrier$(comma)converged) \
		results.jsonl

# Tier B's table, tier A's barrier beside it.
table-B: | params
	@$(MAKE) -f $(THIS) --no-print-directory results-B.jsonl >&2
	@rank -w 'kind != "relax"' -b energy_barrier --csv \
		--fields rank,id,formula,length,previous.energy_barrier,energy_barrier,converged results-B.jsonl

# The study as one self-contained page, report.html (scripts/topup writes
# it every round).
report: | params
	@report

# Every stage table in one verified, dated tarball under snapshots/, and
# one brought back (SNAP=snapshots/NAME.tar.gz): scripts/snapshot.
snapshot:
	@$(HOPKIT)/scripts/snapshot

snapshot-restore:
	@$(if $(SNAP),,echo 'snapshot-restore: name the snapshot, SNAP=snapshots/...tar.gz' >&2; exit 2)
	@$(HOPKIT)/scripts/snapshot -r $(call q,$(SNAP))

# The parameters: the variables a line of scripts/topup's tiers file may set.
names:
	@echo $(PARAMS)

FORCE:

.PHONY: all params run drain results status counts table table-B report snapshot snapshot-restore names FORCE
