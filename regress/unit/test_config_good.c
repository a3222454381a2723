/*
 * Copyright (c) 2026 The vigil developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The configuration loader, good files: resolved values, defaults,
 * includes, env_file, instances, shared strings, gRPC health.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_config.h"

static void
test_full(void)
{
	struct vigil_conf	*c;
	struct config_svc	*s;
	struct passwd		*pw;
	char			*conf;

	mkdir("srv", 0755);
	write_file("web.env", "# comment\n\nexport A=1\nB=\"two words\"\n"
	    "RUST_LOG=debug\n  C = 'x y'\n");
	write_file("token", "secret\n");
	conf = subst(
	    "user: daemon\n"
	    "socket: { path: /tmp/vigild-test.sock, mode: \"0640\", "
	    "group: adm }\n"
	    "log_dir: /var/log/vigil-test\n"
	    "state_dir: /var/db/vigil-test\n"
	    "http:\n"
	    "  listen: 127.0.0.1:9001\n"
	    "  token_file: token\n"
	    "defaults:\n"
	    "  restart: never\n"
	    "services:\n"
	    "  db:\n"
	    "    command: [ /usr/bin/sleep, \"1000\" ]\n"
	    "  web:\n"
	    "    command: /usr/local/bin/web --port ${PORT} 'a b' \"c\\\"d\"\n"
	    "    shell: false\n"
	    "    user: nobody\n"
	    "    group: daemon\n"
	    "    directory: @/srv\n"
	    "    umask: \"027\"\n"
	    "    environment: { RUST_LOG: info, X: \"${NAME}-${INSTANCE}\" }\n"
	    "    env_file: web.env\n"
	    "    inherit_environment: yes\n"
	    "    autostart: off\n"
	    "    instances: 4\n"
	    "    port: 8000-8003\n"
	    "    listen: [ \"tcp://0.0.0.0:80\", \"unix:///tmp/x.sock\", "
	    "\"tcp://[::1]:81\" ]\n"
	    "    priority: 100\n"
	    "    depends_on: [ db ]\n"
	    "    restart: always\n"
	    "    exit_codes: [ 0, 2, 255 ]\n"
	    "    start_seconds: 2\n"
	    "    start_retries: 5\n"
	    "    backoff: { initial: 500ms, max: 2m, factor: 1.5, "
	    "jitter: 20% }\n"
	    "    restart_limit: { count: 10, window: 30s }\n"
	    "    stop_signal: SIGINT\n"
	    "    stop_timeout: 20s\n"
	    "    reload_signal: USR2\n"
	    "    ready: tcp://127.0.0.1:${PORT}\n"
	    "    health:\n"
	    "      http: http://127.0.0.1:${PORT}/health\n"
	    "      interval: 5s\n"
	    "      timeout: 1s\n"
	    "      retries: 4\n"
	    "      start_period: 3s\n"
	    "      on_unhealthy: none\n"
	    "    limits:\n"
	    "      memory: 512M\n"
	    "      cpu: 80%\n"
	    "      nofile: 4096\n"
	    "      nproc: unlimited\n"
	    "      core: 0\n"
	    "      stack: 8M\n"
	    "    cgroup: false\n"
	    "    log:\n"
	    "      stdout: syslog\n"
	    "      stderr: file\n"
	    "      max_size: 1M\n"
	    "      keep: 9\n"
	    "      timestamps: true\n");
	c = load_ok("full configuration", "full.conf", conf, 0);
	free(conf);
	if (c == NULL)
		return;
	check(strcmp(c->path, "full.conf") == 0 && c->nfiles == 1 &&
	    strcmp(c->files[0], "full.conf") == 0, "path and files");
	check(strcmp(c->user, "daemon") == 0, "user");
	check(strcmp(c->socket_path, "/tmp/vigild-test.sock") == 0 &&
	    c->socket_mode == 0640 && strcmp(c->socket_group, "adm") == 0 &&
	    c->socket_gid == getgrnam("adm")->gr_gid, "socket");
	check(strcmp(c->log_dir, "/var/log/vigil-test") == 0 &&
	    strcmp(c->state_dir, "/var/db/vigil-test") == 0, "dirs");
	conf = subst("token");
	check(c->http_enabled &&
	    strcmp(c->http_listen, "127.0.0.1:9001") == 0 &&
	    strcmp(c->http_host, "127.0.0.1") == 0 && c->http_port == 9001 &&
	    strcmp(c->http_token_file, conf) == 0, "http");
	free(conf);
	check(c->nservices == 2 && strcmp(TAILQ_FIRST(&c->services)->name,
	    "db") == 0, "services in order");

	s = config_find(c, "db");
	check(s != NULL && argv_is(s->argv, s->argc, "/usr/bin/sleep|1000") &&
	    s->command_is_list && strcmp(s->command_str,
	    "/usr/bin/sleep 1000") == 0, "db command list");
	check(s != NULL && s->restart == RESTART_NEVER, "defaults apply");
	check(s != NULL && strcmp(s->pos.file, "full.conf") == 0 &&
	    s->pos.line == 11 && s->pos.column == 3, "db position");
	check(config_find(c, "nope") == NULL, "config_find unknown");

	if ((s = config_find(c, "web")) == NULL) {
		check(0, "web found");
		config_free(c);
		return;
	}
	check(argv_is(s->argv, s->argc,
	    "/usr/local/bin/web|--port|${PORT}|a b|c\"d") &&
	    !s->command_is_list && !s->shell &&
	    strcmp(s->command_str,
	    "/usr/local/bin/web --port ${PORT} 'a b' \"c\\\"d\"") == 0,
	    "web command split, original kept");
	pw = getpwnam("nobody");
	check(strcmp(s->user, "nobody") == 0 && s->uid == pw->pw_uid &&
	    strcmp(s->group, "daemon") == 0 &&
	    s->gid == getgrnam("daemon")->gr_gid && s->use_initgroups,
	    "user and group resolved");
	conf = subst("@/srv");
	check(strcmp(s->directory, conf) == 0 && !s->directory_expand,
	    "directory");
	free(conf);
	check(s->umask == 027, "umask");
	check(s->nenv == 5 && strcmp(s->env[0].name, "A") == 0 &&
	    strcmp(s->env[1].name, "B") == 0 &&
	    strcmp(s->env[2].name, "RUST_LOG") == 0 &&
	    strcmp(s->env[3].name, "C") == 0 &&
	    strcmp(s->env[4].name, "X") == 0, "environment order: env_file "
	    "then environment");
	check(strcmp(env_of(s, "A"), "1") == 0 &&
	    strcmp(env_of(s, "B"), "two words") == 0 &&
	    strcmp(env_of(s, "C"), "x y") == 0 &&
	    strcmp(env_of(s, "RUST_LOG"), "info") == 0 &&
	    strcmp(env_of(s, "X"), "${NAME}-${INSTANCE}") == 0,
	    "environment values (environment overrides env_file)");
	conf = subst("web.env");
	check(strcmp(s->env_file, conf) == 0, "env_file path");
	free(conf);
	check(s->inherit_environment == 1 && s->autostart == 0, "booleans");
	check(s->instances == 4 && s->port.type == PORT_FIXED &&
	    s->port.lo == 8000 && s->port.hi == 8003 &&
	    config_svc_port(s, 0) == 8000 && config_svc_port(s, 3) == 8003,
	    "instances and ports");
	check(s->nlisten == 3 && s->listen[0].type == LISTEN_TCP &&
	    strcmp(s->listen[0].host, "0.0.0.0") == 0 &&
	    s->listen[0].port == 80 && s->listen[1].type == LISTEN_UNIX &&
	    strcmp(s->listen[1].path, "/tmp/x.sock") == 0 &&
	    strcmp(s->listen[2].host, "::1") == 0 && s->listen[2].port == 81 &&
	    strcmp(s->listen[2].url, "tcp://[::1]:81") == 0, "listen");
	check(s->priority == 100 && s->ndepends_on == 1 &&
	    strcmp(s->depends_on[0], "db") == 0, "priority, depends_on");
	check(s->restart == RESTART_ALWAYS && config_svc_exit_expected(s, 0) &&
	    config_svc_exit_expected(s, 2) && config_svc_exit_expected(s,
	    255) &&
	    !config_svc_exit_expected(s, 1) && !config_svc_exit_expected(s,
	    256) &&
	    !config_svc_exit_expected(s, -1), "restart, exit_codes");
	check(s->start_seconds_ms == 2000 && s->start_retries == 5, "start");
	check(s->backoff.initial_ms == 500 && s->backoff.max_ms == 120000 &&
	    s->backoff.factor == 1.5 && s->backoff.jitter == 20, "backoff");
	check(s->restart_limit.count == 10 &&
	    s->restart_limit.window_ms == 30000, "restart_limit");
	check(s->stop_signal == SIGINT && s->stop_timeout_ms == 20000 &&
	    s->reload_signal == SIGUSR2, "signals, stop_timeout");
	check(s->ready == READY_TCP &&
	    strcmp(s->ready_target, "127.0.0.1:${PORT}") == 0, "ready tcp");
	check(s->health.type == HEALTH_HTTP && strcmp(s->health.target,
	    "http://127.0.0.1:${PORT}/health") == 0 &&
	    s->health.interval_ms == 5000 && s->health.timeout_ms == 1000 &&
	    s->health.retries == 4 && s->health.start_period_ms == 3000 &&
	    s->health.on_unhealthy == UNHEALTHY_NONE, "health");
	check(s->limits.memory == 512ULL << 20 && s->limits.cpu == 80 &&
	    s->limits.nofile.set && s->limits.nofile.value == 4096 &&
	    s->limits.nproc.set && s->limits.nproc.value == CONFIG_UNLIMITED &&
	    s->limits.core.set && s->limits.core.value == 0 &&
	    s->limits.stack.set && s->limits.stack.value == 8ULL << 20 &&
	    !s->limits.as.set, "limits");
	check(s->cgroup == 0, "cgroup");
	check(s->log.out == LOGDEST_SYSLOG && s->log.err == LOGDEST_FILE &&
	    s->log.max_size == 1ULL << 20 && s->log.keep == 9 &&
	    s->log.timestamps == 1, "log");
	config_free(c);
}

static void
test_builtin_defaults(void)
{
	struct vigil_conf	*c;
	struct config_svc	*s;

	c = load_ok("minimal service", "min.conf",
	    "services:\n  a:\n    command: /bin/true\n", 0);
	if (c == NULL)
		return;
	check(strcmp(c->user, config_default_user()) == 0 &&
	    strcmp(c->socket_path, config_default_socket()) == 0 &&
	    strcmp(c->log_dir, config_default_log_dir()) == 0 &&
	    strcmp(c->state_dir, config_default_state_dir()) == 0 &&
	    c->socket_mode == (getuid() == 0 ? 0660 : 0600) &&
	    c->socket_group == NULL && c->socket_gid == (gid_t)-1 &&
	    !c->http_enabled && c->include == NULL, "global defaults");
	s = TAILQ_FIRST(&c->services);
	check(argv_is(s->argv, s->argc, "/bin/true") && !s->shell &&
	    s->user == NULL && s->group == NULL && s->uid == (uid_t)-1 &&
	    s->gid == (gid_t)-1 && !s->use_initgroups &&
	    s->directory == NULL && s->umask == 022 && s->nenv == 0 &&
	    s->env_file == NULL && !s->inherit_environment, "defaults: "
	    "command, user, directory, umask, environment");
	check(s->autostart == 1 && s->instances == 1 &&
	    s->port.type == PORT_NONE && config_svc_port(s, 0) == -1 &&
	    s->nlisten == 0 && s->priority == 999 && s->ndepends_on == 0,
	    "defaults: autostart, instances, port, priority");
	check(s->restart == RESTART_ON_FAILURE && config_svc_exit_expected(s,
	    0) &&
	    !config_svc_exit_expected(s, 1) && s->start_seconds_ms == 1000 &&
	    s->start_retries == 3, "defaults: restart on-failure, "
	    "exit_codes [0], start_seconds 1s, start_retries 3");
	check(s->backoff.initial_ms == 1000 && s->backoff.max_ms == 60000 &&
	    s->backoff.factor == 2.0 && s->backoff.jitter == 10 &&
	    s->restart_limit.count == 0, "defaults: backoff, restart_limit");
	check(s->stop_signal == SIGTERM && s->stop_timeout_ms == 10000 &&
	    s->reload_signal == SIGHUP && s->ready == READY_STARTED &&
	    s->ready_target == NULL, "defaults: signals, ready");
	check(s->health.type == HEALTH_NONE && s->health.interval_ms == 10000 &&
	    s->health.timeout_ms == 2000 && s->health.retries == 3 &&
	    s->health.start_period_ms == 0 &&
	    s->health.on_unhealthy == UNHEALTHY_RESTART, "defaults: health");
	check(s->limits.memory == 0 && s->limits.cpu == 0 &&
	    !s->limits.nofile.set && !s->limits.core.set && s->cgroup == 1,
	    "defaults: limits, cgroup");
	check(s->log.out == LOGDEST_FILE && s->log.err == LOGDEST_MERGE &&
	    s->log.max_size == 10ULL << 20 && s->log.keep == 5 &&
	    !s->log.timestamps, "defaults: log");
	config_free(c);

	c = load_ok("empty file", "empty.conf", "", 0);
	check(c != NULL && c->nservices == 0, "empty file: no services");
	config_free(c);
	c = load_ok("comments only", "comments.conf", "# nothing\n", 0);
	config_free(c);
	c = load_ok("null services", "nulls.conf", "services:\ndefaults:\n",
	    0);
	config_free(c);
}

static void
test_defaults_merge(void)
{
	struct vigil_conf	*c;
	struct config_svc	*a, *b;

	c = load_ok("defaults merge", "merge.conf",
	    "defaults:\n"
	    "  restart: always\n"
	    "  stop_timeout: 3s\n"
	    "  environment: { COMMON: c, OVER: d }\n"
	    "  log: { max_size: 50M, keep: 2 }\n"
	    "  health: { interval: 1s }\n"
	    "services:\n"
	    "  a:\n"
	    "    command: /bin/a\n"
	    "    restart: never\n"
	    "    environment: { OVER: a, OWN: o }\n"
	    "    log: { stdout: none }\n"
	    "    health: { tcp: \"localhost:${PORT}\" }\n"
	    "    port: 7000\n"
	    "  b:\n"
	    "    command: /bin/b\n", 0);
	if (c == NULL)
		return;
	a = config_find(c, "a");
	b = config_find(c, "b");
	check(a->restart == RESTART_NEVER && b->restart == RESTART_ALWAYS,
	    "service keys override defaults");
	check(a->stop_timeout_ms == 3000 && b->stop_timeout_ms == 3000,
	    "defaults reach every service");
	check(a->nenv == 3 && strcmp(env_of(a, "COMMON"), "c") == 0 &&
	    strcmp(env_of(a, "OVER"), "a") == 0 &&
	    strcmp(env_of(a, "OWN"), "o") == 0 && b->nenv == 2 &&
	    strcmp(env_of(b, "OVER"), "d") == 0,
	    "environment merges by name");
	check(a->log.out == LOGDEST_NONE && a->log.max_size == 50ULL << 20 &&
	    a->log.keep == 2 && b->log.out == LOGDEST_FILE,
	    "nested mappings merge key by key");
	check(a->health.type == HEALTH_TCP && a->health.interval_ms == 1000 &&
	    strcmp(a->health.target, "localhost:${PORT}") == 0,
	    "health merges");
	config_free(c);
}

static void
test_includes(void)
{
	struct vigil_conf	*c;
	struct config_svc	*s;
	char			*p;

	mkdir("conf.d", 0755);
	write_file("conf.d/20-b.conf", "services:\n  b:\n    command: /bin/b\n"
	    "    depends_on: [ a ]\n");
	write_file("conf.d/10-a.conf",
	    "services:\n  a:\n    command: /bin/a\n");
	write_file("conf.d/ignored.txt", "garbage: [");
	write_file("conf.d/30-empty.conf", "");
	c = load_ok("includes", "inc.conf",
	    "include: conf.d/*.conf\n"
	    "defaults: { stop_signal: INT }\n"
	    "services:\n  main:\n    command: /bin/main\n", 0);
	if (c == NULL)
		return;
	check(c->nfiles == 4 && strcmp(c->files[0], "inc.conf") == 0,
	    "files read: %zu", c->nfiles);
	p = subst("conf.d/10-a.conf");
	check(c->nfiles == 4 && strcmp(c->files[1], p) == 0, "glob order");
	free(p);
	check(strcmp(c->include, "conf.d/*.conf") == 0, "include kept");
	s = TAILQ_FIRST(&c->services);
	check(c->nservices == 3 && strcmp(s->name, "main") == 0 &&
	    strcmp(TAILQ_NEXT(s, entry)->name, "a") == 0 &&
	    strcmp(TAILQ_LAST(&c->services, config_svc_list)->name, "b") == 0,
	    "included services, in order");
	s = config_find(c, "b");
	p = subst("conf.d/20-b.conf");
	check(s != NULL && strcmp(s->pos.file, p) == 0 && s->pos.line == 2 &&
	    s->pos.column == 3 && s->stop_signal == SIGINT,
	    "included service: position, defaults");
	free(p);
	config_free(c);

	p = subst("@/inc.conf");
	c = load_ok("includes from an absolute path", p, NULL, 0);
	free(p);
	p = subst("@/conf.d/10-a.conf");
	check(c != NULL && c->nfiles == 4 && strcmp(c->files[1], p) == 0,
	    "absolute main path: absolute include paths");
	free(p);
	config_free(c);

	c = load_ok("include list, no match", "inc2.conf",
	    "include: [ \"nomatch/*.conf\", conf.d/10-a.conf ]\n", 0);
	check(c != NULL && c->nservices == 1 && c->nfiles == 2,
	    "include list");
	config_free(c);
	c = load_ok("CONFIG_NO_INCLUDE", "inc.conf", NULL, CONFIG_NO_INCLUDE);
	check(c != NULL && c->nservices == 1 && c->nfiles == 1,
	    "CONFIG_NO_INCLUDE reads no include");
	config_free(c);
}

static void
test_misc_good(void)
{
	struct vigil_conf	*c, *c2;
	struct config_svc	*s, *s2;
	struct config_errors	 e;
	const char		*buf;

	c = load_ok("shell, ports, instances", "sh.conf",
	    "services:\n"
	    "  sh:\n"
	    "    shell: true\n"
	    "    command: exec /bin/app ${NAME} | logger; echo $HOME\n"
	    "    instances: 3\n"
	    "    port: 9000\n"
	    "    directory: /tmp/${NAME}/${INSTANCE}\n"
	    "    health: { exec: \"check --port ${PORT}\" }\n"
	    "    ready: notify\n"
	    "  auto:\n"
	    "    command: /bin/x --port=${PORT}\n"
	    "    instances: 2\n"
	    "    port: auto:9100-9101\n"
	    "    ready: healthy\n"
	    "    health: { exec: [ /bin/check, \"a b\" ] }\n"
	    "    exit_codes: 3\n"
	    "    depends_on: sh\n"
	    "    limits: { memory: unlimited, as: 1G, core: unlimited }\n", 0);
	if (c == NULL)
		return;
	s = config_find(c, "sh");
	check(argv_is(s->argv, s->argc, "/bin/sh|-c|exec /bin/app ${NAME} | "
	    "logger; echo $HOME") && s->shell, "shell: argv is sh -c");
	check(config_svc_port(s, 0) == 9000 && config_svc_port(s, 2) == 9002,
	    "single port counts up per instance");
	check(s->directory_expand, "directory with ${} checked at spawn");
	check(s->health.type == HEALTH_EXEC && argv_is(s->health.exec_argv,
	    s->health.exec_argc, "check|--port|${PORT}") &&
	    s->ready == READY_NOTIFY, "health exec string, ready notify");
	s = config_find(c, "auto");
	check(s->port.type == PORT_AUTO && s->port.lo == 9100 &&
	    s->port.hi == 9101 && config_svc_port(s, 0) == -1, "auto ports");
	check(argv_is(s->health.exec_argv, s->health.exec_argc,
	    "/bin/check|a b") && s->ready == READY_HEALTHY,
	    "health exec list, ready healthy");
	check(config_svc_exit_expected(s, 3) && !config_svc_exit_expected(s, 0),
	    "exit_codes as a scalar");
	check(s->ndepends_on == 1 && strcmp(s->depends_on[0], "sh") == 0,
	    "depends_on as a scalar");
	check(s->limits.memory == 0 && s->limits.as.value == 1ULL << 30 &&
	    s->limits.core.value == CONFIG_UNLIMITED, "limits unlimited");

	/* config_svc_equal */
	c2 = load_ok("same file again", "sh.conf", NULL, 0);
	if (c2 != NULL) {
		s = config_find(c, "sh");
		s2 = config_find(c2, "sh");
		check(config_svc_equal(s, s2), "config_svc_equal: same");
		check(!config_svc_equal(s, config_find(c2, "auto")),
		    "config_svc_equal: different");
		s2->instances = 5;
		check(!config_svc_equal(s, s2) &&
		    config_svc_equal_but_instances(s, s2),
		    "config_svc_equal_but_instances");
		s2->instances = s->instances;
		s2->stop_timeout_ms++;
		check(!config_svc_equal_but_instances(s, s2),
		    "stop_timeout change noticed");
		config_free(c2);
	}
	config_free(c);

	c = load_ok("env order A", "e1.conf",
	    "services:\n  a:\n    command: /bin/a\n"
	    "    environment: { X: 1, Y: 2 }\n    depends_on: [ b, c ]\n"
	    "  b: { command: /bin/b }\n  c: { command: /bin/c }\n", 0);
	c2 = load_ok("env order B", "e2.conf",
	    "services:\n  a:\n    command: /bin/a\n"
	    "    environment: [ Y=2, X=1 ]\n    depends_on: [ c, b ]\n"
	    "  b: { command: /bin/b }\n  c: { command: /bin/c }\n", 0);
	if (c != NULL && c2 != NULL)
		check(config_svc_equal(config_find(c, "a"),
		    config_find(c2, "a")),
		    "config_svc_equal ignores environment and depends_on "
		    "order");
	config_free(c);
	config_free(c2);

	/* CONFIG_NO_RESOLVE */
	c = load_ok("CONFIG_NO_RESOLVE", "nores.conf",
	    "user: nosuchuser\n"
	    "socket: { group: nosuchgroup }\n"
	    "http: { listen: \"[::1]:80\", token_file: /nonexistent }\n"
	    "services:\n  a:\n    command: /bin/a ${NOT_DEFINED_ANYWHERE}\n"
	    "    user: nosuchuser\n    group: nosuchgroup\n"
	    "    directory: /nonexistent\n    env_file: /nonexistent\n"
	    "    health: { http: \"http://no.such.host.invalid/\" }\n",
	    CONFIG_NO_RESOLVE);
	if (c != NULL) {
		s = TAILQ_FIRST(&c->services);
		check(s->uid == (uid_t)-1 && s->gid == (gid_t)-1 &&
		    s->nenv == 0 && strcmp(c->http_host, "::1") == 0,
		    "CONFIG_NO_RESOLVE resolves nothing");
	}
	config_free(c);

	/* config_load_buffer */
	buf = "services:\n  m: { command: /bin/m }\n";
	config_errors_init(&e);
	c = config_load_buffer("memory", buf, strlen(buf), 0, &e);
	check(c != NULL && c->nservices == 1 && strcmp(c->path, "memory") == 0,
	    "config_load_buffer");
	config_free(c);
	buf = "services:\n  m: { command: /bin/m, nope: 1 }\n";
	c = config_load_buffer("memory", buf, strlen(buf), 0, &e);
	check(c == NULL && e.nerrs == 1 && strcmp(e.errs[0],
	    "memory:2:25: unknown key \"nope\" in service \"m\"") == 0,
	    "config_load_buffer error");
	config_errors_free(&e);
	c = config_load_buffer("memory", NULL, 0, 0, &e);
	check(c != NULL && c->nservices == 0, "config_load_buffer NULL");
	config_free(c);
	config_errors_free(&e);

	/* ${VAR} from env_file, environment, vigild's environment */
	setenv("VIGIL_TEST_FROM_VIGILD", "x", 1);
	write_file("vars.env", "FROM_FILE=1\n");
	c = load_ok("variables", "vars.conf",
	    "services:\n  a:\n    command: /bin/a ${FROM_FILE} ${FROM_ENV} "
	    "${VIGIL_TEST_FROM_VIGILD} $$ $HOME\n    env_file: vars.env\n"
	    "    environment: { FROM_ENV: \"${FROM_FILE}\" }\n", 0);
	config_free(c);
}

/* Identical strings and arrays of a configuration's services, kept once. */
static void
test_shared_strings(void)
{
	struct vigil_conf	*c, *c2;
	struct config_svc	*a, *b, *d, *sh;
	const char		*conf =
	    "services:\n"
	    "  a:\n    command: [ /bin/prog, sleep ]\n"
	    "    directory: /tmp\n    environment: { X: \"1\", Y: \"2\" }\n"
	    "  b:\n    command: [ /bin/prog, sleep ]\n"
	    "    directory: /tmp\n    environment: { X: \"1\", Y: \"2\" }\n"
	    "  d:\n    command: /bin/prog sleep\n"
	    "    environment: { X: \"1\", Y: \"3\" }\n"
	    "  sh:\n    command: /bin/prog sleep\n    shell: true\n";

	c = load_ok("shared strings", "shared.conf", conf, 0);
	c2 = load_ok("shared strings again", "shared.conf", NULL, 0);
	if (c == NULL || c2 == NULL) {
		config_free(c);
		config_free(c2);
		return;
	}
	a = config_find(c, "a");
	b = config_find(c, "b");
	d = config_find(c, "d");
	sh = config_find(c, "sh");
	check(a->strs_shared && b->strs_shared && d->strs_shared &&
	    sh->strs_shared, "every service's strings are shared");
	check(a->argv == b->argv && a->env == b->env &&
	    a->command_str == b->command_str &&
	    a->directory == b->directory && a->directory != NULL,
	    "identical services share their arrays and strings");
	check(d->argv == a->argv && d->command_str == a->command_str &&
	    !d->command_is_list && a->command_is_list,
	    "a split string and the same list share argv");
	check(d->env != a->env && d->nenv == 2 &&
	    d->env[0].name == a->env[0].name &&
	    d->env[0].value == a->env[0].value &&
	    d->env[1].name == a->env[1].name &&
	    strcmp(d->env[1].value, "3") == 0 &&
	    strcmp(a->env[1].value, "2") == 0,
	    "a different environment shares its equal names and values");
	check(sh->argc == 3 && strcmp(sh->argv[0], "/bin/sh") == 0 &&
	    strcmp(sh->argv[1], "-c") == 0 && sh->argv[2] == d->command_str &&
	    sh->argv[3] == NULL && strcmp(a->argv[0], "/bin/prog") == 0 &&
	    strcmp(a->argv[1], "sleep") == 0 && a->argv[2] == NULL,
	    "shared argv keep their content");
	check(config_svc_equal(a, config_find(c2, "a")) &&
	    config_svc_equal(sh, config_find(c2, "sh")) &&
	    !config_svc_equal(a, config_find(c2, "d")) &&
	    a->argv != config_find(c2, "a")->argv,
	    "two configurations share nothing and compare by content");
	/* One configuration freed while the other is in use (a reload). */
	config_free(c);
	a = config_find(c2, "a");
	check(strcmp(a->argv[0], "/bin/prog") == 0 &&
	    strcmp(a->env[1].value, "2") == 0, "the other keeps its own");
	config_free(c2);
}

/* health.grpc and health.service: parsed, kept, compared on reload. */
static void
test_grpc(void)
{
	struct vigil_conf	*c, *c2;
	struct config_svc	*s;
	const char		*fmt =
	    "services:\n"
	    "  g:\n"
	    "    command: /bin/g\n"
	    "    port: 50051\n"
	    "    ready: healthy\n"
	    "    health: { grpc: \"localhost:${PORT}\", service: %s }\n"
	    "  whole:\n"
	    "    command: /bin/w\n"
	    "    health: { grpc: \"[::1]:50052\", retries: 2 }\n";
	char			 buf[512];

	snprintf(buf, sizeof(buf), fmt, "\"app.v1.${NAME}\"");
	if ((c = load_ok("grpc", "grpc.conf", buf, 0)) == NULL)
		return;
	s = config_find(c, "g");
	check(s->health.type == HEALTH_GRPC &&
	    strcmp(s->health.target, "localhost:${PORT}") == 0 &&
	    strcmp(s->health.service, "app.v1.${NAME}") == 0 &&
	    s->ready == READY_HEALTHY && s->health.retries == 3,
	    "grpc: target and service as written, defaults kept");
	s = config_find(c, "whole");
	check(s->health.type == HEALTH_GRPC && s->health.service == NULL &&
	    strcmp(s->health.target, "[::1]:50052") == 0 &&
	    s->health.retries == 2, "grpc: no service, an IPv6 target");
	snprintf(buf, sizeof(buf), fmt, "other");
	if ((c2 = load_ok("grpc, another service", "grpc2.conf", buf, 0)) !=
	    NULL) {
		check(!config_svc_equal(config_find(c, "g"),
		    config_find(c2, "g")) && config_svc_equal(config_find(c,
		    "whole"), config_find(c2, "whole")),
		    "grpc: another service is a change on reload");
		config_free(c2);
	}
	config_free(c);
}

int
main(void)
{
	unit_config_begin("test_config_good");
	test_full();
	test_builtin_defaults();
	test_defaults_merge();
	test_includes();
	test_misc_good();
	test_shared_strings();
	test_grpc();
	return (unit_config_end());
}
