# vigil -- a privilege-separated process supervisor.
#
#   make            build build/vigild and build/vigilctl
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run vigild -d on etc/demo.conf
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        build/vigil_VERSION_ARCH.deb (debian/, debhelper)
#   make bench      benchmarks (regress/bench), not part of check
#   make soak       SOAK_MINUTES=30 of a busy day (regress/bench/soak.py),
#                   not part of check
#   make fuzz       build the libFuzzer targets into build/fuzz

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR	?=

BUILD	?= build
CC	?= cc
PKGS	 = libbsd-overlay libevent yaml-0.1 libnghttp2

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
TEST_HOOKS = 1
endif

# The test hooks (VIGIL_TEST_HOOKS=1 and friends in vigild's environment:
# a helper that sends garbage, a forbidden system call, a small queue
# bound, ...) are compiled only into test builds: build/test (make
# testbuild) and build/asan.  The release binary has none.
TEST_HOOKS ?= 0
ifeq ($(TEST_HOOKS),1)
CFLAGS	+= -DVIGIL_TEST_HOOKS
endif

# Sources, one per line.  common/ is what both programs link; vigild is
# the parent and its three helpers; vigilctl is the client and its
# converters.  The *_linux.c files hold what only Linux has (cgroups,
# /proc, clone3, pidfds); another system would list its own here.
COMMON_SRCS	= common/backoff.c
COMMON_SRCS	+= common/config.c
COMMON_SRCS	+= common/config_check.c
COMMON_SRCS	+= common/config_compose.c
COMMON_SRCS	+= common/config_load.c
COMMON_SRCS	+= common/config_nested.c
COMMON_SRCS	+= common/config_parse.c
COMMON_SRCS	+= common/config_print.c
COMMON_SRCS	+= common/config_strs.c
COMMON_SRCS	+= common/config_svc.c
COMMON_SRCS	+= common/config_value.c
COMMON_SRCS	+= common/config_yaml.c
COMMON_SRCS	+= common/ctl_format.c
COMMON_SRCS	+= common/ctl_json.c
COMMON_SRCS	+= common/ctl_proto.c
COMMON_SRCS	+= common/ctl_status.c
COMMON_SRCS	+= common/imsg.c
COMMON_SRCS	+= common/log.c
COMMON_SRCS	+= common/msg_names.c
COMMON_SRCS	+= common/log_limit.c
COMMON_SRCS	+= common/privdrop.c
COMMON_SRCS	+= common/proc_child.c
COMMON_SRCS	+= common/xmalloc.c
VIGILD_SRCS	= parent/parent.c
VIGILD_SRCS	+= parent/parent_adopt.c
VIGILD_SRCS	+= parent/parent_conf.c
VIGILD_SRCS	+= parent/parent_conf_dns.c
VIGILD_SRCS	+= parent/parent_control.c
VIGILD_SRCS	+= parent/parent_control_cmd.c
VIGILD_SRCS	+= parent/parent_control_info.c
VIGILD_SRCS	+= parent/parent_control_sock.c
VIGILD_SRCS	+= parent/parent_exec_check.c
VIGILD_SRCS	+= parent/parent_http.c
VIGILD_SRCS	+= parent/parent_http_token.c
VIGILD_SRCS	+= parent/parent_instance.c
VIGILD_SRCS	+= parent/parent_limits.c
VIGILD_SRCS	+= parent/parent_logger.c
VIGILD_SRCS	+= parent/parent_mainlog.c
VIGILD_SRCS	+= parent/parent_monitor.c
VIGILD_SRCS	+= parent/parent_monitor_def.c
VIGILD_SRCS	+= parent/parent_monitor_notify.c
VIGILD_SRCS	+= parent/parent_proc.c
VIGILD_SRCS	+= parent/parent_reload.c
VIGILD_SRCS	+= parent/parent_reload_roll.c
VIGILD_SRCS	+= parent/parent_state.c
VIGILD_SRCS	+= parent/parent_statefile.c
VIGILD_SRCS	+= parent/parent_upgrade.c
VIGILD_SRCS	+= parent/parent_watch.c
VIGILD_SRCS	+= parent/svc.c
VIGILD_SRCS	+= parent/svc_deps.c
VIGILD_SRCS	+= parent/svc_group.c
VIGILD_SRCS	+= parent/svc_kick.c
VIGILD_SRCS	+= parent/svc_leftovers.c
VIGILD_SRCS	+= parent/svc_launch.c
VIGILD_SRCS	+= parent/svc_launch_child.c
VIGILD_SRCS	+= parent/svc_listen.c
VIGILD_SRCS	+= parent/svc_shutdown.c
VIGILD_SRCS	+= parent/svc_spawn.c
VIGILD_SRCS	+= logger/logger.c
VIGILD_SRCS	+= logger/logger_file.c
VIGILD_SRCS	+= logger/logger_follow.c
VIGILD_SRCS	+= logger/logger_journal.c
VIGILD_SRCS	+= logger/logger_orphan.c
VIGILD_SRCS	+= logger/logger_stream.c
VIGILD_SRCS	+= logger/logger_console.c
VIGILD_SRCS	+= logger/logger_syslog.c
VIGILD_SRCS	+= monitor/monitor.c
VIGILD_SRCS	+= monitor/monitor_check.c
VIGILD_SRCS	+= monitor/monitor_grpc.c
VIGILD_SRCS	+= monitor/monitor_grpc_msg.c
VIGILD_SRCS	+= monitor/monitor_dns.c
VIGILD_SRCS	+= monitor/monitor_http.c
VIGILD_SRCS	+= monitor/monitor_notify.c
VIGILD_SRCS	+= monitor/monitor_probe.c
VIGILD_SRCS	+= monitor/monitor_sample.c
VIGILD_SRCS	+= monitor/monitor_snap.c
VIGILD_SRCS	+= control/control.c
VIGILD_SRCS	+= control/control_console.c
VIGILD_SRCS	+= control/control_http.c
VIGILD_SRCS	+= control/control_http_log.c
VIGILD_SRCS	+= control/control_http_conn.c
VIGILD_SRCS	+= control/control_http_out.c
VIGILD_SRCS	+= control/control_http_route.c
VIGILD_SRCS	+= control/control_http_sse.c
VIGILD_SRCS	+= control/control_logs.c
VIGILCTL_SRCS	= control/vigilctl/vigilctl.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_cmd.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_conn.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_ini.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_json.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_logs.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_monit.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_out.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_sup.c
VIGILCTL_SRCS	+= control/vigilctl/vigilctl_supconf.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_export.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import_ini.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import_out.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import_pm2.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import_pm2run.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import_pm2y.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import_sup.c
VIGILCTL_SRCS	+= control/vigilctl/import/vigilctl_import_supsec.c
ifeq ($(shell uname -s),Linux)
COMMON_SRCS	+= common/compat_linux.c
COMMON_SRCS	+= common/sandbox_linux.c
VIGILD_SRCS	+= parent/parent_monitor_linux.c
VIGILD_SRCS	+= parent/svc_adopt_linux.c
VIGILD_SRCS	+= parent/svc_cgroup_linux.c
VIGILD_SRCS	+= parent/svc_cgroup_sweep_linux.c
VIGILD_SRCS	+= parent/parent_watch_linux.c
VIGILD_SRCS	+= monitor/monitor_notify_linux.c
VIGILD_SRCS	+= monitor/monitor_proc_linux.c
VIGILD_SRCS	+= control/control_linux.c
VIGILD_SRCS	+= control/control_sandbox_linux.c
VIGILD_SRCS	+= logger/logger_sandbox_linux.c
VIGILD_SRCS	+= monitor/monitor_sandbox_linux.c
endif
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
VIGILD_OBJS	 = $(call obj,$(VIGILD_SRCS)) \
		   $(BUILD)/obj/gen/control_console_assets.o
VIGILCTL_OBJS	 = $(call obj,$(VIGILCTL_SRCS))
UNIT_BINS	 = $(patsubst regress/unit/%.c,$(BUILD)/regress/%,$(UNIT_SRCS))
TOOL_BINS	 = $(patsubst regress/tools/%.c,$(BUILD)/regress/%,$(TOOL_SRCS))
FUZZ_BINS	 = $(patsubst regress/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all clean check demo deps install uninstall bench fuzz unit tools \
	asan deb soak testbuild

all: $(BUILD)/vigild $(BUILD)/vigilctl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# The web console's script and style sheet, compiled into vigild.
CONSOLE_FILES	 = control/console/console.js control/console/console.css
$(BUILD)/gen/control_console_assets.c: $(CONSOLE_FILES) \
	    control/console/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh control/console/embed.sh $(CONSOLE_FILES) >$@.tmp
	$(Q)mv $@.tmp $@
$(BUILD)/obj/gen/control_console_assets.o: \
	    $(BUILD)/gen/control_console_assets.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libcommon.a: $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# vigild binds every symbol at start (-z now): a service forked into its
# cgroup has its own copy of the parent's memory, and would otherwise
# look up each libc function it calls before exec, every time.
$(BUILD)/vigild: $(VIGILD_OBJS) $(BUILD)/libcommon.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -Wl,-z,relro,-z,now -o $@ $(VIGILD_OBJS) \
	    $(BUILD)/libcommon.a $(BIN_LIBS)

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
$(BUILD)/regress/test_imsg $(BUILD)/regress/test_imsg_fd \
    $(BUILD)/regress/test_imsgev: \
	    regress/unit/unit_imsg.c regress/unit/unit_imsg.h
# The configuration loader's tests share theirs.
$(BUILD)/regress/test_config_errors $(BUILD)/regress/test_config_files \
    $(BUILD)/regress/test_config_good: \
	    regress/unit/unit_config.c regress/unit/unit_config.h
# The state file's codec, tested on its own.
$(BUILD)/regress/test_pstate: parent/parent_statefile.c parent/parent_state.h
$(BUILD)/regress/test_pstate: CFLAGS += -Iparent
# The logger's journal, killed at every step.
$(BUILD)/regress/test_logger_journal: logger/logger_journal.c logger/logger.h
$(BUILD)/regress/test_logger_journal: CFLAGS += -Ilogger
# The logger's file handling, tested on its own.
$(BUILD)/regress/test_logger_file: logger/logger_file.c logger/logger.h
$(BUILD)/regress/test_logger_file: CFLAGS += -Ilogger
# The monitor's gRPC messages, tested on their own.
$(BUILD)/regress/test_grpc_msg: monitor/monitor_grpc_msg.c monitor/monitor.h
$(BUILD)/regress/test_grpc_msg: CFLAGS += -Imonitor
# Which processes are a service's, on made-up snapshots.
$(BUILD)/regress/test_mon_members: monitor/monitor_snap.c monitor/monitor.h
$(BUILD)/regress/test_mon_members: CFLAGS += -Imonitor

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
	$(Q)clang $(FUZZ_CFLAGS) $(FUZZ_EXTRA_CFLAGS) -o $@ $< $(COMMON_SRCS) \
	    $(FUZZ_EXTRA) $(PKG_LIBS)

# The HTTP API's parsers live with the processes that use them.
$(BUILD)/fuzz/fuzz_http_api: FUZZ_EXTRA = control/control_http_route.c \
	    parent/parent_http_token.c
$(BUILD)/fuzz/fuzz_http_api: FUZZ_EXTRA_CFLAGS = -Icontrol -Iparent
$(BUILD)/fuzz/fuzz_http_api: control/control_http_route.c \
	    control/control_http_route.h parent/parent_http_token.c \
	    parent/parent_http_token.h

# The state file a next vigild adopts from.
$(BUILD)/fuzz/fuzz_pstate: FUZZ_EXTRA = parent/parent_statefile.c
$(BUILD)/fuzz/fuzz_pstate: FUZZ_EXTRA_CFLAGS = -Iparent
$(BUILD)/fuzz/fuzz_pstate: parent/parent_statefile.c parent/parent_state.h

# The monitor's gRPC decoder, alone; and the whole exchange over nghttp2.
$(BUILD)/fuzz/fuzz_grpc: monitor/monitor_grpc_msg.c monitor/monitor.h
$(BUILD)/fuzz/fuzz_grpc_h2: FUZZ_EXTRA = monitor/monitor_grpc.c \
	    monitor/monitor_grpc_msg.c
$(BUILD)/fuzz/fuzz_grpc_h2: monitor/monitor_grpc.c monitor/monitor_grpc_msg.c \
	    monitor/monitor.h

# vigilctl's supervisorctl name: its file and its argument line.
$(BUILD)/fuzz/fuzz_supconf: FUZZ_EXTRA = control/vigilctl/vigilctl_supconf.c \
	    control/vigilctl/vigilctl_ini.c
$(BUILD)/fuzz/fuzz_supconf: FUZZ_EXTRA_CFLAGS = -Icontrol/vigilctl
$(BUILD)/fuzz/fuzz_supconf: control/vigilctl/vigilctl_supconf.c \
	    control/vigilctl/vigilctl_supconf.h \
	    control/vigilctl/vigilctl_ini.c control/vigilctl/vigilctl_ini.h

fuzz: $(FUZZ_BINS)

deps:
	@./etc/deps.sh

asan:
	$(MAKE) BUILD=build/asan SAN=1 all tools

testbuild:
	$(MAKE) BUILD=build/test TEST_HOOKS=1 all tools

check: deps
	$(MAKE) all unit tools
	$(MAKE) testbuild
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

# As root: vigild under a mixed workload for SOAK_MINUTES (default 30),
# sampled every 30 s; exits non-zero on growth, lost lines or failures.
soak: all tools
	PYTHONDONTWRITEBYTECODE=1 python3 regress/bench/soak.py

# etc/install.sh: programs, man pages, bash and zsh completion,
# vigild.conf.sample, init files, /var/empty, the log and state
# directories and the _vigil user (the user is skipped with a message
# under DESTDIR).  uninstall never removes the
# configuration, the logs or the user.
INSTALL_ENV = PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR) \
	      BINDIR=$(BINDIR) MANDIR=$(MANDIR) SYSCONFDIR=$(SYSCONFDIR) \
	      BUILD=$(BUILD)

install: all
	$(INSTALL_ENV) sh etc/install.sh

uninstall:
	$(INSTALL_ENV) sh etc/uninstall.sh

# The Debian package, built by dpkg-buildpackage from a copy of the tree
# (it writes its results next to the tree it builds).
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB	 = $(BUILD)/vigil_$(VERSION)_$(DEB_ARCH).deb
deb: deps
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/vigil-$(VERSION)
	tar --exclude=./build --exclude=./.git -cf - . | \
	    tar -xf - -C $(BUILD)/deb/vigil-$(VERSION)
	cd $(BUILD)/deb/vigil-$(VERSION) && \
	    dpkg-buildpackage -b -us -uc -j2 >../build.log 2>&1 || \
	    { tail -40 ../build.log; exit 1; }
	mv $(BUILD)/deb/vigil_$(VERSION)_$(DEB_ARCH).deb $(DEB)
	@echo "  DEB     $(DEB)"

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
