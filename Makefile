# vigil -- a privilege-separated process supervisor.
#
#   make            build build/vigild and build/vigilctl
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run vigild -d on etc/demo.conf
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      benchmarks (regress/bench), not part of check
#   make fuzz       build the libFuzzer targets into build/fuzz

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR	?=

BUILD	?= build
CC	?= cc
PKGS	 = libbsd-overlay libevent yaml-0.1

VERSION	 = 0.1.0

WARN	 = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wmissing-declarations -Wshadow -Wpointer-arith -Wsign-compare \
	   -Wno-unused-parameter
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 $(WARN) -D_GNU_SOURCE -DLIBBSD_OPENBSD_VIS \
	   -DVIGIL_VERSION='"$(VERSION)"' -Icommon
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# libbsd, libmd, libevent and libyaml are linked into vigild and vigilctl
# when their archives are installed (Debian's -dev packages have them);
# libc stays shared.  vigild runs as four processes, and each shared
# library costs each of them its own relocated pages: linked in, the four
# use about 0.5 MiB less memory (PSS) in all.  vigilctl starts once per
# command, and the dynamic loader spends about 1 ms a command on them.
# STATIC=0 links them as shared libraries.
STATIC	?= 1
STATIC_LIBS = $(shell pkg-config --libs --static $(PKGS) 2>/dev/null)
STATIC_NOARCH = $(shell for l in $(patsubst -l%,%,$(filter -l%,$(STATIC_LIBS))); \
		do f=$$($(CC) -print-file-name=lib$$l.a); \
		[ -f "$$f" ] || echo "$$l"; done)
ifeq ($(STATIC)$(STATIC_NOARCH)$(if $(STATIC_LIBS),,none),1)
BIN_LIBS   = -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic
else
BIN_LIBS   = $(PKG_LIBS)
endif

ifeq ($(SAN),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif

COMMON_SRCS	 = $(sort $(wildcard common/*.c))
VIGILD_SRCS	 = $(sort $(wildcard parent/*.c logger/*.c monitor/*.c \
		    control/control*.c))
VIGILCTL_SRCS	 = $(sort $(wildcard control/vigilctl*.c))
UNIT_SRCS	 = $(sort $(wildcard regress/unit/test_*.c))
TOOL_SRCS	 = $(sort $(wildcard regress/tools/*.c))
FUZZ_SRCS	 = $(sort $(wildcard regress/fuzz/fuzz_*.c))

ifeq ($(V),1)
Q	 =
else
Q	 = @
endif

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

COMMON_OBJS	 = $(call obj,$(COMMON_SRCS))
VIGILD_OBJS	 = $(call obj,$(VIGILD_SRCS))
VIGILCTL_OBJS	 = $(call obj,$(VIGILCTL_SRCS))
UNIT_BINS	 = $(patsubst regress/unit/%.c,$(BUILD)/regress/%,$(UNIT_SRCS))
TOOL_BINS	 = $(patsubst regress/tools/%.c,$(BUILD)/regress/%,$(TOOL_SRCS))
FUZZ_BINS	 = $(patsubst regress/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all clean check demo deps install uninstall bench fuzz unit tools \
	asan

all: $(BUILD)/vigild $(BUILD)/vigilctl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libcommon.a: $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/vigild: $(VIGILD_OBJS) $(BUILD)/libcommon.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(VIGILD_OBJS) $(BUILD)/libcommon.a \
	    $(BIN_LIBS)

$(BUILD)/vigilctl: $(VIGILCTL_OBJS) $(BUILD)/libcommon.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(VIGILCTL_OBJS) $(BUILD)/libcommon.a \
	    $(BIN_LIBS)

$(BUILD)/regress/%: regress/unit/%.c regress/unit/unit.c regress/unit/unit.h \
	    $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) \
	    $(BUILD)/libcommon.a $(PKG_LIBS)

# The imsg tests share their helpers.
$(BUILD)/regress/test_imsg $(BUILD)/regress/test_imsgev: \
	    regress/unit/unit_imsg.c regress/unit/unit_imsg.h
# The logger's file handling, tested on its own.
$(BUILD)/regress/test_logger_file: logger/logger_file.c logger/logger.h
$(BUILD)/regress/test_logger_file: CFLAGS += -Ilogger

$(BUILD)/regress/%: regress/tools/%.c
	@mkdir -p $(dir $@)
	@echo "  TOOL    $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(PKG_LIBS)

unit: $(UNIT_BINS)
tools: $(TOOL_BINS)

# libFuzzer targets: clang, the common sources rebuilt with coverage.
FUZZ_CFLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -DLIBBSD_OPENBSD_VIS \
	      -DVIGIL_VERSION='"$(VERSION)"' -Icommon -DVIGIL_FUZZ \
	      -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS)
$(BUILD)/fuzz/%: regress/fuzz/%.c $(COMMON_SRCS) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(COMMON_SRCS) $(PKG_LIBS)

fuzz: $(FUZZ_BINS)

deps:
	@./etc/deps.sh

asan:
	$(MAKE) BUILD=build/asan SAN=1 all tools

check: deps
	$(MAKE) all unit tools
	$(MAKE) asan
	$(MAKE) fuzz
	./regress/run.sh

demo: deps
	$(MAKE) all
	./etc/demo.sh

bench: deps
	$(MAKE) tools
	-$(MAKE) all
	./regress/bench/run.sh $(BENCHFLAGS)

# etc/install.sh: programs, man pages, vigild.conf.sample, init files,
# /var/empty, the log and state directories and the _vigil user (the user
# is skipped with a message under DESTDIR).  uninstall never removes the
# configuration, the logs or the user.
INSTALL_ENV = PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR) \
	      BINDIR=$(BINDIR) MANDIR=$(MANDIR) SYSCONFDIR=$(SYSCONFDIR) \
	      BUILD=$(BUILD)

install: all
	$(INSTALL_ENV) sh etc/install.sh

uninstall:
	$(INSTALL_ENV) sh etc/uninstall.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
