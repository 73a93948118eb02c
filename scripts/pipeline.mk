# pipeline.mk - the hopkit pipeline as make targets, one table per stage.
#
# In a study directory:
#
#   make -f /path/to/hopkit/scripts/pipeline.mk SOURCES=cifs/ ION=F
#
# builds structures.jsonl -> paths.jsonl -> measured.jsonl -> queue.jsonl ->
# jobs.jsonl (make-neb directories under calcs/, registered with run-vasp),
# each only when its input or its parameters changed.  Then
#
#   make -f .../pipeline.mk run       one top-up: start ready jobs (cron does this)
#   make -f .../pipeline.mk drain     local executor: top up until nothing is left
#   make -f .../pipeline.mk results.jsonl   collect what finished since last time
#   make -f .../pipeline.mk status
#
# A parameter given on the command line that differs from the last build
# rebuilds the stages that use it (the values are kept in .params/).

HOPKIT     := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
BIN        ?= $(HOPKIT)/bin

# what to read, and which hops
SOURCES    ?= structures
ION        ?= F
CUTOFF     ?= 5
MAX_PATHS  ?= 5
# which hops get a calculation, in which order, how many
WHERE      ?= measures.dimensionality >= 1 and measures.oxidation_state == -$(if $(filter F Cl Br I,$(ION)),1,2)
BY         ?= measures.bvse_barrier
LIMIT      ?= 100
# the calculations
KIND       ?= static3
IMAGES     ?= 5
INCAR      ?=
CALCS      ?= calcs
# running them
STATE      ?= jobs
MAX_ACTIVE ?= 20
EXECUTOR   ?= local
VASP_CMD   ?= $(BIN)/ff-calc -q
WALLTIME   ?= 0
SLURM_CONFIG ?=

export PATH := $(BIN):$(PATH)

# A stamp per stage holding its parameters, rewritten only when they change.
define params
.params/$(1): FORCE
	@mkdir -p .params
	@printf '%s\n' $(2) > .params/$(1).new
	@if cmp -s .params/$(1).new $$@; then rm -f .params/$(1).new; else mv .params/$(1).new $$@; fi
endef
$(eval $(call params,structures,'$(SOURCES)'))
$(eval $(call params,paths,'$(ION)' '$(CUTOFF)' '$(MAX_PATHS)'))
$(eval $(call params,queue,'$(WHERE)' '$(BY)' '$(LIMIT)'))
$(eval $(call params,jobs,'$(KIND)' '$(IMAGES)' '$(INCAR)' '$(CALCS)'))

TOPUP = run-vasp -s $(STATE) topup -n $(MAX_ACTIVE) -e $(EXECUTOR) -c '$(VASP_CMD)' \
	$(if $(filter-out 0,$(WALLTIME)),--walltime $(WALLTIME)) $(if $(SLURM_CONFIG),--slurm-config $(SLURM_CONFIG))

all: jobs.jsonl

structures.jsonl: $(SOURCES) .params/structures
	fetch-structures -q --sanitize --dedupe -o $@ $(SOURCES)

paths.jsonl: structures.jsonl .params/paths
	find-paths -q --ion $(ION) --cutoff $(CUTOFF) --max-paths $(MAX_PATHS) -o $@ structures.jsonl

measured.jsonl: paths.jsonl
	measure -q -o $@ paths.jsonl

queue.jsonl: measured.jsonl .params/queue
	rank -q -w '$(WHERE)' -b '$(BY)' -n $(LIMIT) -o $@ measured.jsonl

# make-neb keeps existing directories and run-vasp add knows its jobs, so a
# wider queue adds only the new hops.
jobs.jsonl: queue.jsonl .params/jobs
	make-neb -q -k -t $(KIND) --idpp $(if $(filter neb,$(KIND)),-i $(IMAGES)) \
		$(foreach i,$(INCAR),-I $(i)) -d $(CALCS) -o $@.tmp queue.jsonl || [ $$? -eq 1 ]
	run-vasp -s $(STATE) add $@.tmp
	mv $@.tmp $@

run: jobs.jsonl
	run-vasp -s $(STATE) sync
	$(TOPUP) || [ $$? -eq 3 ]

drain: jobs.jsonl
	$(TOPUP) --wait
	run-vasp -s $(STATE) status

# run-vasp files each finished job in $(STATE)/done: its time says when.
results.jsonl: $(wildcard $(STATE)/done)
	@touch $@
	collect -q -s $@ -p plots -o $@.new $(CALCS)
	cat $@ $@.new > $@.tmp && mv $@.tmp $@ && rm -f $@.new

status:
	@run-vasp -s $(STATE) status

table: results.jsonl
	@rank -b energy_barrier --csv --fields rank,id,formula,length,$(BY),energy_barrier,converged results.jsonl

FORCE:

.PHONY: all run drain status table FORCE
