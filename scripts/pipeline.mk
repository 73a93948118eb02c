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
# set.  Progress shows when standard error is a terminal (-q otherwise).
# make -n prints what would run and changes nothing, study.mk included.

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
doc.WHERE      = which hops get a calculation (rank --where); $$(ION_OXIDATION) is -1 for F Cl Br I, else -2
WHERE         ?= measures.dimensionality >= 1 and measures.oxidation_state == $(ION_OXIDATION)
doc.BY         = in which order (rank --by)
BY            ?= measures.bvse_barrier
doc.LIMIT      = how many hops are queued (rank --limit)
LIMIT         ?= 100
doc.KIND       = the calculations: static3 (start, mid, end) or neb (make-neb --kind)
KIND          ?= static3
doc.IMAGES     = interior images of an neb (make-neb --images)
IMAGES        ?= 5
doc.INCAR      = INCAR tags over the preset, KEY=VALUE separated by spaces (make-neb -I)
INCAR         ?=
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

PARAMS := SOURCES ION CUTOFF MAX_PATHS JOBS WHERE BY LIMIT KIND IMAGES INCAR CALCS \
	STATE MAX_ACTIVE EXECUTOR VASP_CMD WALLTIME SLURM_CONFIG

export PATH := $(BIN):$(PATH)

# A word quoted for sh.
q = '$(subst ','\'',$(1))'

# study.mk: NAME = VALUE as make reads it back (a # would start a comment).
hash := \#
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
$(eval $(call params,queue,WHERE BY LIMIT))
$(eval $(call params,jobs,KIND IMAGES INCAR CALCS))

TOPUP = run-vasp -s $(STATE) topup -n $(MAX_ACTIVE) -e $(EXECUTOR) -c $(call q,$(VASP_CMD)) \
	$(if $(filter-out 0,$(WALLTIME)),--walltime $(WALLTIME)) $(if $(SLURM_CONFIG),--slurm-config $(SLURM_CONFIG))

.DEFAULT_GOAL := all
all: jobs.jsonl

# The script is in the environment, so that make -n prints what it says.
params: export STUDY_SCRIPT = $(study_text)
params:
ifneq ($(study_changes),)
	@echo $(call q,$(STUDY): $(if $(filter --new--,$(study_changes)),$(study_new_msg),$(study_changes))) >&2
	@sh -c "$$STUDY_SCRIPT" > $(STUDY).tmp && mv $(STUDY).tmp $(STUDY)
endif

structures.jsonl: $(SOURCES) .params/structures | params
	fetch-structures $(QUIET) --sanitize --dedupe -o $@ $(SOURCES)

paths.jsonl: structures.jsonl .params/paths | params
	find-paths $(QUIET) -j $(JOBS) --ion $(ION) --cutoff $(CUTOFF) --max-paths $(MAX_PATHS) -o $@ structures.jsonl

measured.jsonl: paths.jsonl | params
	measure $(QUIET) -j $(JOBS) -o $@ paths.jsonl

queue.jsonl: measured.jsonl .params/queue | params
	rank $(QUIET) -w $(call q,$(WHERE)) -b $(call q,$(BY)) -n $(LIMIT) -o $@ measured.jsonl

# make-neb keeps existing directories and run-vasp add knows its jobs, so a
# wider queue adds only the new hops.
jobs.jsonl: queue.jsonl .params/jobs | params
	make-neb $(QUIET) -k -t $(KIND) --idpp $(if $(filter neb,$(KIND)),-i $(IMAGES)) \
		$(foreach i,$(INCAR),-I $(call q,$(i))) -d $(CALCS) -o $@.tmp queue.jsonl || [ $$? -eq 1 ]
	run-vasp -s $(STATE) add $@.tmp
	mv $@.tmp $@

run: jobs.jsonl | params
	run-vasp -s $(STATE) sync
	$(TOPUP) || [ $$? -eq 3 ]

drain: jobs.jsonl | params
	$(TOPUP) --wait
	run-vasp -s $(STATE) status

# collect -u keeps one current record per job, replaced when the job
# changed.  It runs every time: a job that finished while it ran is newer
# than the state directory's time that make would compare, and only
# collect's own stamps can tell (they cost a stat per file, not a read).
# Its line of counts (new, replaced, kept) goes to standard error even off
# a terminal, for scripts/topup's log.
results.jsonl: FORCE | params
	collect -u $@ -S $(STATE) -p plots $(CALCS)

status: | params
	@run-vasp -s $(STATE) status

# Only the table on standard output: what brings results.jsonl up to date
# says so on standard error.
table: | params
	@$(MAKE) -f $(THIS) --no-print-directory results.jsonl >&2
	@rank -b energy_barrier --csv --fields rank,id,formula,length,$(BY),energy_barrier,converged results.jsonl

FORCE:

.PHONY: all params run drain status table FORCE
