# hopkit: see README.md.  `make`, `make check`, `make demo`, `make bench`, `make install`.
include config.mk

DEPS_OK := $(shell $(PKG_CONFIG) --exists $(PKGS) cmocka 2>/dev/null && test -f /usr/include/spglib.h && \
	test -f /usr/include/xgboost/c_api.h && echo yes)
ifneq ($(DEPS_OK),yes)
ifeq ($(filter clean lint,$(MAKECMDGOALS)),)
$(info make: dependencies missing, running scripts/install-deps)
DEPS_RUN := $(shell ./scripts/install-deps >&2; echo $$?)
ifneq ($(DEPS_RUN),0)
$(error scripts/install-deps failed; install the packages it names and retry)
endif
endif
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lsymspg -lm -pthread
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null) -lz

ALL_CFLAGS = $(CSTD) $(OPT) $(WARN) $(CFLAGS) -Ilibcore $(FE_INC) $(PKG_CFLAGS) \
	-DHOPKIT_VERSION='"$(VERSION)"' -DHOPKIT_SHAREDIR='"$(SHAREDIR)"' -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(LDSAN)

ifeq ($(V),1)
Q =
else
Q = @
endif

B = build
LIB_SRC  := $(sort $(wildcard libcore/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
FE_SRC   := $(sort $(wildcard fe/*.c))
FE_OBJ   := $(FE_SRC:%.c=$(B)/%.o)
CMD_SRC  := $(sort $(wildcard cmd/*.c))
PROGS    := $(CMD_SRC:cmd/%.c=bin/%)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TESTS    := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
MANS     := $(sort $(wildcard man/*.1 man/*.5))
FUZZ_SRC := $(filter-out fuzz/replay.c,$(sort $(wildcard fuzz/*.c)))
REPLAY   := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%)

all: $(PROGS)

# fe/ is the command layer's front end (it prints and exits); libcore cannot see it
$(B)/cmd/%.o $(B)/fe/%.o: FE_INC = -Ife

$(B)/%.o: %.c config.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libcore.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJ)

$(B)/libfe.a: $(FE_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $(FE_OBJ)

# only learn needs XGBoost (and the C++ runtime it brings): the others start without it
bin/learn: CMD_LIBS = -lxgboost

bin/%: $(B)/cmd/%.o $(B)/libfe.a $(B)/libcore.a
	@mkdir -p bin
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/libfe.a $(B)/libcore.a $(PKG_LIBS) $(CMD_LIBS)

$(B)/tests/test_learn: CMD_LIBS = -lxgboost

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/tests/unit/testutil.o $(B)/libcore.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/tests/unit/testutil.o $(B)/libcore.a $(PKG_LIBS) $(CMOCKA_LIBS) $(CMD_LIBS)

$(B)/tests/unit/%.o: tests/unit/%.c config.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -c -o $@ $<

# check: unit tests, then the command tests, then the corpus cross-checks
# (which say so and skip when ../shared/data or python3-pymatgen is absent).
# Every stage runs whatever the one before gave; the failures of all of them
# are listed at the end, and any failure makes check fail.  XCHECK=0 leaves
# the cross-checks out (they compare numbers with other codes, which a
# sanitizer build does not change) and says so.
XCHECK = 1
check: all $(TESTS) $(B)/bench/vasp-read $(REPLAY)
	$(Q)HOPKIT_FAILED=$$(mktemp) && export HOPKIT_FAILED && trap 'rm -f "$$HOPKIT_FAILED"' EXIT && \
	failed= && \
	{ tests/run-unit $(TESTS) || failed="$$failed unit"; } && \
	{ HOPKIT_SANITIZE=$(SANITIZE) tests/run-cmd tests/cmd/*.sh || failed="$$failed cmd"; } && \
	{ if [ "$(XCHECK)" = 0 ]; then echo "xcheck: skipped (XCHECK=0)"; \
	  else HOPKIT_SANITIZE=$(SANITIZE) tests/run-xcheck tests/xcheck/*.sh || failed="$$failed xcheck"; fi; } && \
	if [ -n "$$failed" ]; then \
		echo "check: FAILED in$$failed:"; sed 's/^/  /' "$$HOPKIT_FAILED"; exit 1; \
	fi && echo "check: unit, cmd$(if $(filter 0,$(XCHECK)),, and xcheck) passed"

unit: $(TESTS)
	$(Q)tests/run-unit $(TESTS)

demo: all
	$(Q)scripts/demo

$(B)/bench/%: FE_INC = -Ife
$(B)/bench/%: bench/%.c $(B)/libfe.a $(B)/libcore.a config.mk
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libfe.a $(B)/libcore.a $(PKG_LIBS) -lz

bench: all $(B)/bench/symmetry-only $(B)/bench/idpp-time
	$(Q)BENCH_BIN=$(B)/bench bench/run

# lint: man pages, SYNOPSIS = usage, what libcore may call, header contracts, thin commands
lint: all
	$(Q)scripts/lint

# fuzz: each reader of outside data under libFuzzer with ASan and UBSan
# (clang), FUZZ_SECONDS each, seeded from tests/data (scripts/fuzz).
FUZZ_CC      = clang
FUZZ_SECONDS = 60
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  = $(CSTD) -O1 -g -fno-omit-frame-pointer $(WARN) -Ilibcore $(PKG_CFLAGS) \
	-DHOPKIT_VERSION='"$(VERSION)"' -DHOPKIT_SHAREDIR='"$(SHAREDIR)"' -MMD -MP
FZ           = build-fuzz
FUZZ_BIN    := $(FUZZ_SRC:fuzz/%.c=$(FZ)/%)
FUZZ_LIBOBJ := $(LIB_SRC:%.c=$(FZ)/%.o)

$(FZ)/libcore/%.o: libcore/%.c config.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (fuzz)")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FZ)/libcore.a: $(FUZZ_LIBOBJ)
	$(Q)rm -f $@ && ar rcs $@ $(FUZZ_LIBOBJ)

$(FZ)/%: fuzz/%.c fuzz/fuzzmem.h $(FZ)/libcore.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FZ)/libcore.a $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

# the same targets with clang's source-based coverage: which lines of each
# reader the corpus that make fuzz grew reaches (scripts/fuzz-cover)
FCOV          = build-fuzz-cover
FUZZ_COV      = -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_BIN := $(FUZZ_SRC:fuzz/%.c=$(FCOV)/%)
FUZZ_COV_OBJ := $(LIB_SRC:%.c=$(FCOV)/%.o)

$(FCOV)/libcore/%.o: libcore/%.c config.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (coverage)")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FCOV)/libcore.a: $(FUZZ_COV_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $(FUZZ_COV_OBJ)

$(FCOV)/%: fuzz/%.c fuzz/fuzzmem.h $(FCOV)/libcore.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -fsanitize=fuzzer -o $@ $< $(FCOV)/libcore.a $(PKG_LIBS)

fuzz-cover: $(FUZZ_COV_BIN)
	$(Q)scripts/fuzz-cover -b $(FZ) -c $(FCOV) $(FUZZ_COV_BIN:$(FCOV)/%=%)

# the same targets, each input given once, for make check (tests/cmd/fuzz-regress.sh)
$(B)/fuzz/%: fuzz/%.c fuzz/replay.c fuzz/fuzzmem.h $(B)/libcore.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< fuzz/replay.c $(B)/libcore.a $(PKG_LIBS)

# one make target per fuzz target, so that make -j runs them side by side
fuzz: $(FUZZ_BIN:$(FZ)/%=fuzz-run-%)

fuzz-run-%: $(FZ)/%
	$(Q)scripts/fuzz -t $(FUZZ_SECONDS) -b $(FZ) $*

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(SHAREDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	install -m 644 $(filter %.1,$(MANS)) $(DESTDIR)$(MANPREFIX)/man1
	install -m 644 $(filter %.5,$(MANS)) $(DESTDIR)$(MANPREFIX)/man5
	cp -R share/. $(DESTDIR)$(SHAREDIR)

uninstall:
	rm -f $(PROGS:bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANPREFIX)/man1/%,$(filter %.1,$(MANS)))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANPREFIX)/man5/%,$(filter %.5,$(MANS)))
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf $(B) bin $(FZ) $(FCOV)

.PHONY: all check unit demo bench lint install uninstall clean fuzz fuzz-build fuzz-cover
.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(FE_OBJ:.o=.d) $(CMD_SRC:%.c=$(B)/%.d) $(TEST_SRC:%.c=$(B)/%.d)
-include $(FUZZ_LIBOBJ:.o=.d)
-include $(FUZZ_COV_OBJ:.o=.d)
