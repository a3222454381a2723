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
 * The configuration loader: good files (resolved values, defaults,
 * includes, env_file, instances), bad files (the exact error strings with
 * line and column, every error reported), and the golden files of
 * regress/config/.
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

#include "config.h"
#include "unit.h"

static char	tmpdir[PATH_MAX];

static void
write_file(const char *name, const char *content)
{
	FILE	*fp;

	if ((fp = fopen(name, "w")) == NULL) {
		perror(name);
		exit(2);
	}
	fputs(content, fp);
	fclose(fp);
	chmod(name, 0644);
}

/* "@" in s stands for the temporary directory. */
static char *
subst(const char *s)
{
	char	*r, *p;
	size_t	 n = 0;

	for (p = (char *)s; *p; p++)
		n += *p == '@' ? strlen(tmpdir) : 1;
	if ((r = malloc(n + 1)) == NULL)
		exit(2);
	for (p = r; *s; s++) {
		if (*s == '@') {
			strcpy(p, tmpdir);
			p += strlen(tmpdir);
		} else
			*p++ = *s;
	}
	*p = '\0';
	return r;
}

static char *
joined(const struct config_errors *e)
{
	char	*s = NULL, *t;
	size_t	 i;

	for (i = 0; i < e->nerrs; i++) {
		if (asprintf(&t, "%s%s\n", s ? s : "", e->errs[i]) == -1)
			exit(2);
		free(s);
		s = t;
	}
	return s ? s : strdup("");
}

static struct vigil_conf *
load_ok(const char *desc, const char *name, const char *content, int flags)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	char			*got;

	if (content != NULL)
		write_file(name, content);
	config_errors_init(&e);
	c = config_load(name, flags, &e);
	got = joined(&e);
	check(c != NULL && e.nerrs == 0, "%s: loads (%s)", desc, got);
	free(got);
	config_errors_free(&e);
	return c;
}

/* want: every error, each followed by a newline; "@" is the temp dir. */
static void
load_bad(const char *desc, const char *content, int flags, const char *want)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	char			*got, *w;

	write_file("t.conf", content);
	config_errors_init(&e);
	c = config_load("t.conf", flags, &e);
	got = joined(&e);
	w = subst(want);
	check(c == NULL && strcmp(got, w) == 0, "%s", desc);
	if (c != NULL || strcmp(got, w) != 0)
		printf("# want:\n%s# got:\n%s", w, got);
	free(got);
	free(w);
	config_free(c);
	config_errors_free(&e);
}

static int
argv_is(char **argv, size_t argc, const char *want)
{
	char	buf[1024] = "";
	size_t	i;

	for (i = 0; i < argc; i++) {
		if (i)
			strlcat(buf, "|", sizeof(buf));
		strlcat(buf, argv[i], sizeof(buf));
	}
	return argv[argc] == NULL && strcmp(buf, want) == 0;
}

static const char *
env_of(const struct config_svc *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->nenv; i++)
		if (strcmp(s->env[i].name, name) == 0)
			return s->env[i].value;
	return NULL;
}

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

static void
test_errors(void)
{
	char	buf[256];
	long	ncpu;

	load_bad("YAML syntax error",
	    "services:\n  a:\n    command: x\n   b: [\n", 0,
	    "t.conf:4:4: YAML: did not find expected key (while parsing a "
	    "block mapping started at line 2, column 3)\n");
	load_bad("two documents", "services: {}\n---\nfoo: 1\n", 0,
	    "t.conf:3:1: only one YAML document is allowed\n");
	load_bad("top level not a mapping", "- a\n- b\n", 0,
	    "t.conf:1:1: expected a mapping at the top of the file\n");
	load_bad("unknown keys",
	    "foo: 1\n"
	    "http: { listen: \"127.0.0.1:1\", bar: 2 }\n"
	    "socket: { baz: 3 }\n"
	    "services:\n"
	    "  web:\n"
	    "    command: /bin/web\n"
	    "    foo: bar\n"
	    "    health: { tcp: \"127.0.0.1:1\", foo: 1 }\n"
	    "    log: { colour: yes }\n", 0,
	    "t.conf:1:1: unknown key \"foo\"\n"
	    "t.conf:2:32: unknown key \"bar\" in http\n"
	    "t.conf:3:11: unknown key \"baz\" in socket\n"
	    "t.conf:7:5: unknown key \"foo\" in service \"web\"\n"
	    "t.conf:8:35: unknown key \"health.foo\" in service \"web\"\n"
	    "t.conf:9:12: unknown key \"log.colour\" in service \"web\"\n");
	load_bad("wrong types",
	    "user: [ a ]\n"
	    "services:\n"
	    "  web:\n"
	    "    command: { a: b }\n"
	    "    health: yes\n"
	    "    autostart: maybe\n"
	    "    directory: [ /tmp ]\n"
	    "    environment: 5\n"
	    "    depends_on: { a: b }\n"
	    "    priority: high\n"
	    "    stop_timeout: [ 1 ]\n"
	    "  db: 5\n"
	    "services2: x\n", 0,
	    "t.conf:1:7: expected a string for user\n"
	    "t.conf:4:14: expected a string or a list for command in service "
	    "\"web\"\n"
	    "t.conf:5:13: expected a mapping for health in service \"web\"\n"
	    "t.conf:6:16: expected a boolean (true or false) for autostart in "
	    "service \"web\"\n"
	    "t.conf:7:16: expected a string for directory in service "
	    "\"web\"\n"
	    "t.conf:8:18: expected a mapping for environment in service "
	    "\"web\"\n"
	    "t.conf:9:17: expected a list for depends_on in service \"web\"\n"
	    "t.conf:10:15: bad number \"high\" for priority in service "
	    "\"web\": not a number\n"
	    "t.conf:11:19: expected a duration for stop_timeout in service "
	    "\"web\"\n"
	    "t.conf:12:7: expected a mapping for service \"db\"\n"
	    "t.conf:13:1: unknown key \"services2\"\n");
	load_bad("no command", "services:\n  web: { autostart: true }\n", 0,
	    "t.conf:2:3: service \"web\" has no command\n");
	load_bad("bad values",
	    "services:\n"
	    "  web:\n"
	    "    command: /bin/web\n"
	    "    start_seconds: 10x\n"
	    "    stop_timeout: -1\n"
	    "    instances: 0\n"
	    "    start_retries: lots\n"
	    "    limits: { memory: 5Q, nofile: 1K }\n"
	    "    stop_signal: SIGFOO\n"
	    "    reload_signal: 99\n"
	    "    restart: sometimes\n"
	    "    umask: \"0999\"\n"
	    "    port: 70000\n"
	    "    listen: [ \"udp://x:1\" ]\n"
	    "    exit_codes: [ 0, 256 ]\n"
	    "    backoff: { factor: 0.5, jitter: 150% }\n"
	    "    log: { stderr: pipe, stdout: merge, keep: -1, "
	    "max_size: big }\n"
	    "    ready: sometime\n"
	    "    health: { http: \"https://x/\", on_unhealthy: panic }\n"
	    "  w2:\n"
	    "    command: /bin/w2\n"
	    "    instances: 1001\n"
	    "    health: { tcp: \"nocolon\", retries: 0 }\n", 0,
	    "t.conf:4:20: bad duration \"10x\" for start_seconds in service "
	    "\"web\": unknown unit (use ms, s, m, h or d)\n"
	    "t.conf:5:19: bad duration \"-1\" for stop_timeout in service "
	    "\"web\": negative\n"
	    "t.conf:6:16: bad number \"0\" for instances in service \"web\": "
	    "must be between 1 and 1000\n"
	    "t.conf:7:20: bad number \"lots\" for start_retries in service "
	    "\"web\": not a number\n"
	    "t.conf:8:23: bad size \"5Q\" for limits.memory in service "
	    "\"web\": unknown unit (use K, M, G or T)\n"
	    "t.conf:8:35: bad number \"1K\" for limits.nofile in service "
	    "\"web\": not a number\n"
	    "t.conf:9:18: bad signal \"SIGFOO\" for stop_signal in service "
	    "\"web\": unknown signal\n"
	    "t.conf:10:20: bad signal \"99\" for reload_signal in service "
	    "\"web\": not a signal number\n"
	    "t.conf:11:14: bad value \"sometimes\" for restart in service "
	    "\"web\": expected always, on-failure or never\n"
	    "t.conf:12:12: bad umask \"0999\" in service \"web\": expected an "
	    "octal number like \"022\"\n"
	    "t.conf:13:11: bad port \"70000\" in service \"web\": expected "
	    "8000, 8000-8003 or auto:9000-9100 (ports 1..65535)\n"
	    "t.conf:14:13: bad listen address \"udp://x:1\" in service "
	    "\"web\": expected tcp://HOST:PORT or unix:///PATH\n"
	    "t.conf:15:22: bad number \"256\" for exit_codes in service "
	    "\"web\": must be between 0 and 255\n"
	    "t.conf:16:24: bad number \"0.5\" for backoff.factor in service "
	    "\"web\": must be between 1 and 100\n"
	    "t.conf:16:37: bad percentage \"150%\" for backoff.jitter in "
	    "service \"web\": must be between 0% and 100%\n"
	    "t.conf:17:20: bad value for log.stderr in service \"web\": "
	    "expected merge, file, syslog or none\n"
	    "t.conf:17:34: bad value for log.stdout in service \"web\": "
	    "expected file, syslog, console or none\n"
	    "t.conf:17:47: bad number \"-1\" for log.keep in service \"web\": "
	    "must be between 0 and 1000\n"
	    "t.conf:17:61: bad size \"big\" for log.max_size in service "
	    "\"web\": expected a number optionally followed by K, M, G or T\n"
	    "t.conf:18:12: bad value \"sometime\" for ready in service "
	    "\"web\": expected started, notify, healthy or tcp://HOST:PORT\n"
	    "t.conf:19:13: health of service \"web\" needs one of http, tcp, grpc "
	    "or exec\n"
	    "t.conf:19:21: bad URL \"https://x/\" for health.http in service "
	    "\"web\": expected http://HOST[:PORT]/PATH\n"
	    "t.conf:19:49: bad value for health.on_unhealthy in service "
	    "\"web\": expected restart or none\n"
	    "t.conf:22:16: bad number \"1001\" for instances in service "
	    "\"w2\": must be between 1 and 1000\n"
	    "t.conf:23:13: health of service \"w2\" needs one of http, tcp, grpc "
	    "or exec\n"
	    "t.conf:23:20: bad address \"nocolon\" for health.tcp in service "
	    "\"w2\": expected HOST:PORT\n"
	    "t.conf:23:40: bad number \"0\" for health.retries in service "
	    "\"w2\": must be between 1 and 1000\n");
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(buf, sizeof(buf), "t.conf:4:20: bad percentage \"0%%\" for "
	    "limits.cpu in service \"a\": must be between 1%% and %ld%%\n",
	    100 * (ncpu < 1 ? 1 : ncpu));
	load_bad("cpu percentage",
	    "services:\n  a:\n    command: /bin/a\n    limits: { cpu: 0% }\n",
	    0, buf);
	load_bad("duplicate keys",
	    "user: a\nuser: b\n"
	    "services:\n"
	    "  web:\n"
	    "    command: /bin/web\n"
	    "    command: /bin/other\n"
	    "    environment: { A: 1, A: 2 }\n"
	    "    log: { keep: 1, keep: 2 }\n", CONFIG_NO_RESOLVE,
	    "t.conf:2:1: duplicate key \"user\"\n"
	    "t.conf:6:5: duplicate key \"command\" in service \"web\"\n"
	    "t.conf:7:26: duplicate key \"environment.A\" in service \"web\"\n"
	    "t.conf:8:21: duplicate key \"log.keep\" in service \"web\"\n");
	load_bad("duplicate services",
	    "services:\n  web: { command: /bin/a }\n"
	    "  web: { command: /bin/b }\n", 0,
	    "t.conf:3:3: duplicate service \"web\" (first defined at "
	    "t.conf:2:3)\n");
	load_bad("bad service names",
	    "services:\n  \"a b\": { command: x }\n  all: { command: x }\n"
	    "  web:1: { command: x }\n  -x: { command: x }\n", 0,
	    "t.conf:2:3: bad service name \"a b\": use up to 63 letters, "
	    "digits, '.', '_' and '-', not starting with '.' or '-', and not "
	    "\"all\"\n"
	    "t.conf:3:3: bad service name \"all\": use up to 63 letters, "
	    "digits, '.', '_' and '-', not starting with '.' or '-', and not "
	    "\"all\"\n"
	    "t.conf:4:3: bad service name \"web:1\": use up to 63 letters, "
	    "digits, '.', '_' and '-', not starting with '.' or '-', and not "
	    "\"all\"\n"
	    "t.conf:5:3: bad service name \"-x\": use up to 63 letters, "
	    "digits, '.', '_' and '-', not starting with '.' or '-', and not "
	    "\"all\"\n");
	load_bad("dependencies",
	    "services:\n"
	    "  a: { command: /bin/a, depends_on: [ b ] }\n"
	    "  b: { command: /bin/b, depends_on: [ c, ghost ] }\n"
	    "  c: { command: /bin/c, depends_on: [ a ] }\n"
	    "  d: { command: /bin/d, depends_on: [ d ] }\n"
	    "  e: { command: /bin/e, depends_on: [ a, a ] }\n", 0,
	    "t.conf:2:39: dependency cycle: a -> b -> c -> a\n"
	    "t.conf:3:42: service \"b\" depends on unknown service \"ghost\"\n"
	    "t.conf:5:39: dependency cycle: d -> d\n"
	    "t.conf:6:42: \"a\" is listed twice in depends_on in service "
	    "\"e\"\n");
	load_bad("users, groups, directories",
	    "user: nosuchuser\n"
	    "socket: { group: nosuchgroup }\n"
	    "services:\n"
	    "  a:\n"
	    "    command: /bin/a\n"
	    "    user: nosuch\n"
	    "    group: nogrp\n"
	    "    directory: /nonexistent\n"
	    "  b:\n"
	    "    command: /bin/b\n"
	    "    directory: /etc/passwd\n"
	    "  c:\n"
	    "    command: /bin/c\n"
	    "    directory: relative/dir\n", 0,
	    "t.conf:1:7: unknown user \"nosuchuser\"\n"
	    "t.conf:2:18: unknown group \"nosuchgroup\"\n"
	    "t.conf:6:11: unknown user \"nosuch\" in service \"a\"\n"
	    "t.conf:7:12: unknown group \"nogrp\" in service \"a\"\n"
	    "t.conf:8:16: cannot use directory \"/nonexistent\" in service "
	    "\"a\": No such file or directory\n"
	    "t.conf:11:16: cannot use directory \"/etc/passwd\" in service "
	    "\"b\": not a directory\n"
	    "t.conf:14:16: directory \"relative/dir\" in service \"c\" must "
	    "be an absolute path\n");
	load_bad("ports and instances",
	    "services:\n"
	    "  a: { command: /bin/a, instances: 4, port: 8000-8001 }\n"
	    "  b: { command: /bin/b, instances: 3, port: \"auto:9000-9000\" }\n"
	    "  c: { command: /bin/c, instances: 3, port: 65534 }\n"
	    "  d: { command: /bin/d, port: 9-8 }\n", 0,
	    "t.conf:2:45: port range 8000-8001 has 2 ports for 4 instances of "
	    "service \"a\"\n"
	    "t.conf:3:45: port range 9000-9000 has 1 port for 3 instances of "
	    "service \"b\"\n"
	    "t.conf:4:45: port 65534 with 3 instances of service \"c\" goes "
	    "past 65535\n"
	    "t.conf:5:31: bad port \"9-8\" in service \"d\": expected 8000, "
	    "8000-8003 or auto:9000-9100 (ports 1..65535)\n");
	unsetenv("VIGIL_TEST_UNDEF");
	load_bad("variables",
	    "services:\n"
	    "  a:\n"
	    "    command: /bin/a --port ${PORT} ${VIGIL_TEST_UNDEF}\n"
	    "    environment: { X: \"${NAME\", Y: \"${VIGIL_TEST_UNDEF}\" }\n"
	    "    directory: \"/srv/${PORT}\"\n"
	    "    health: { http: \"http://localhost:${PORT}/\" }\n"
	    "    ready: \"tcp://localhost:${PORT}\"\n", 0,
	    "t.conf:3:14: ${PORT} in command of service \"a\", which sets no "
	    "port\n"
	    "t.conf:3:14: undefined variable ${VIGIL_TEST_UNDEF} in command "
	    "of service \"a\"\n"
	    "t.conf:4:23: bad ${...} in environment.X of service \"a\": "
	    "unterminated ${\n"
	    "t.conf:4:36: undefined variable ${VIGIL_TEST_UNDEF} in "
	    "environment.Y of service \"a\"\n"
	    "t.conf:5:16: ${PORT} in directory of service \"a\", which sets "
	    "no port\n"
	    "t.conf:6:21: ${PORT} in health.http of service \"a\", which sets "
	    "no port\n"
	    "t.conf:7:12: ${PORT} in ready of service \"a\", which sets no "
	    "port\n");
	load_bad("commands",
	    "services:\n"
	    "  a: { command: \"/bin/a 'x\" }\n"
	    "  b: { command: \"/bin/b | c\" }\n"
	    "  c: { command: [ a, b ], shell: true }\n"
	    "  d: { command: [] }\n"
	    "  e: { command: \"\" }\n"
	    "  f: { command: [ a, [ b ] ] }\n", 0,
	    "t.conf:2:17: bad command of service \"a\": unterminated single "
	    "quote\n"
	    "t.conf:3:17: bad command of service \"b\": shell operator outside "
	    "quotes (quote it, or set shell: true)\n"
	    "t.conf:4:17: command of service \"c\" must be a string with "
	    "shell: true\n"
	    "t.conf:5:17: empty list for command in service \"d\"\n"
	    "t.conf:6:17: bad command of service \"e\": empty command\n"
	    "t.conf:7:22: expected a string in command in service \"f\"\n");
	load_bad("consistency",
	    "services:\n"
	    "  a:\n"
	    "    command: /bin/a\n"
	    "    ready: healthy\n"
	    "    health: { interval: 1s }\n"
	    "    backoff: { initial: 2m, max: 1m }\n"
	    "    restart_limit: { count: 3, window: 0 }\n", 0,
	    "t.conf:4:12: ready: healthy needs a health check in service "
	    "\"a\"\n"
	    "t.conf:5:13: health of service \"a\" needs one of http, tcp, grpc or "
	    "exec\n"
	    "t.conf:6:14: backoff.initial is greater than backoff.max in "
	    "service \"a\"\n"
	    "t.conf:7:20: restart_limit.window of service \"a\" must not be "
	    "0\n");
	load_bad("errors in defaults reported once",
	    "defaults:\n"
	    "  restart: sometimes\n"
	    "  bogus: 1\n"
	    "  command: /bin/x ${PORT}\n"
	    "services:\n"
	    "  a: { port: 80 }\n"
	    "  b: {}\n"
	    "  c: {}\n", 0,
	    "t.conf:2:12: bad value \"sometimes\" for restart in defaults: "
	    "expected always, on-failure or never\n"
	    "t.conf:3:3: unknown key \"bogus\" in defaults\n"
	    "t.conf:4:12: ${PORT} in command of service \"b\", which sets no "
	    "port\n"
	    "t.conf:4:12: ${PORT} in command of service \"c\", which sets no "
	    "port\n");
	load_bad("global values",
	    "socket: { path: rel.sock, mode: \"999\" }\n"
	    "log_dir: var/log\n"
	    "http: { token_file: /nonexistent/token }\n"
	    "include: [ 5, [ x ] ]\n", 0,
	    "t.conf:1:17: socket.path must be an absolute path\n"
	    "t.conf:1:33: bad socket.mode \"999\": expected an octal mode like "
	    "\"0660\"\n"
	    "t.conf:2:10: log_dir must be an absolute path\n"
	    "t.conf:3:7: http needs listen: HOST:PORT\n"
	    "t.conf:3:21: cannot read http.token_file \"/nonexistent/token\": "
	    "No such file or directory\n"
	    "t.conf:4:12: include \"5\": No such file or directory\n"
	    "t.conf:4:15: expected a string for include\n");
	load_bad("http.listen", "http: { listen: \"localhost\" }\n", 0,
	    "t.conf:1:17: bad http.listen \"localhost\": expected "
	    "HOST:PORT\n");
	/* Bind addresses: never a name (the root parent resolves none). */
	load_bad("listen host names",
	    "http: { listen: \"db.example:80\" }\n"
	    "services:\n  a:\n    command: /bin/a\n"
	    "    listen: [ \"tcp://[::1]:81\", \"tcp://*:82\", "
	    "\"tcp://localhost:83\", \"tcp://db.example:84\" ]\n",
	    CONFIG_NO_RESOLVE,
	    "t.conf:1:17: bad http.listen \"db.example:80\": a host name; "
	    "give an address (127.0.0.1, [::1], localhost or *): vigild does "
	    "not resolve names in its root process\n"
	    "t.conf:5:13: bad listen address \"tcp://db.example:84\" in "
	    "service \"a\": a host name; give an address (127.0.0.1, [::1], "
	    "localhost or *): vigild does not resolve names in its root "
	    "process\n");
	load_bad("unresolvable host",
	    "services:\n  a:\n    command: /bin/a\n"
	    "    health: { tcp: \"no.such.host.invalid:80\" }\n", 0,
	    "t.conf:4:20: cannot resolve \"no.such.host.invalid\" for "
	    "health.tcp in service \"a\": Name or service not known\n");

	/* env_file */
	write_file("bad.env", "OK=1\nnot a line\n1X=2\n  export  Y = \"q\"\n");
	load_bad("env_file errors",
	    "services:\n"
	    "  a: { command: /bin/a, env_file: bad.env }\n"
	    "  b: { command: /bin/b, env_file: /nonexistent.env }\n", 0,
	    "t.conf:3:35: cannot read env_file \"/nonexistent.env\" of "
	    "service \"b\": No such file or directory\n"
	    "bad.env:2:1: expected NAME=VALUE\n"
	    "bad.env:3:1: bad variable name \"1X\"\n");

	/* includes */
	mkdir("bad.d", 0755);
	write_file("bad.d/a.conf", "user: x\nservices:\n  web:\n"
	    "    command: /bin/x\n  z:\n    command: /bin/z\n    bad: 1\n");
	write_file("bad.d/b.conf", "services: [\n");
	load_bad("errors in includes",
	    "include: bad.d/*.conf\nservices:\n  web: { command: /bin/web }\n",
	    0,
	    "bad.d/a.conf:1:1: \"user\" is not allowed in an included file "
	    "(only services:)\n"
	    "bad.d/a.conf:3:3: duplicate service \"web\" (first defined at "
	    "t.conf:3:3)\n"
	    "bad.d/a.conf:7:5: unknown key \"bad\" in service \"z\"\n"
	    "bad.d/b.conf:2:1: YAML: did not find expected node content "
	    "(while parsing a flow node started at line 2, column 1)\n");
	load_bad("missing include", "include: /nonexistent/x.conf\n", 0,
	    "t.conf:1:10: include \"/nonexistent/x.conf\": No such file or "
	    "directory\n");
	{
		struct config_errors	e;

		config_errors_init(&e);
		check(config_load("/nonexistent/vigild.conf", 0, &e) == NULL &&
		    e.nerrs == 1 && strcmp(e.errs[0],
		    "/nonexistent/vigild.conf: No such file or directory") == 0,
		    "missing file");
		config_errors_free(&e);
		check(config_load("/etc", 0, &e) == NULL && e.nerrs == 1 &&
		    strcmp(e.errs[0], "/etc: not a regular file") == 0,
		    "directory as a file");
		config_errors_free(&e);
	}
}

static void
test_owner(void)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	char			*want;

	if (getuid() != 0) {
		config_errors_init(&e);
		write_file("own.conf", "");
		chmod("own.conf", 0666);
		check(config_check_owner("own.conf", &e) == 0 && e.nerrs == 0,
		    "config_check_owner: not root, no check");
		config_errors_free(&e);
		return;
	}
	config_errors_init(&e);
	write_file("own.conf", "services:\n  a: { command: /bin/a }\n");
	check(config_check_owner("own.conf", &e) == 0 && e.nerrs == 0,
	    "config_check_owner: root-owned 0644");
	chmod("own.conf", 0664);
	c = config_load("own.conf", CONFIG_CHECK_OWNER, &e);
	check(c == NULL && e.nerrs == 1 && strcmp(e.errs[0], "own.conf: "
	    "refusing configuration file: mode 0664 is writable by group or "
	    "others") == 0, "CONFIG_CHECK_OWNER: group writable");
	config_errors_free(&e);
	c = config_load("own.conf", 0, &e);
	check(c != NULL, "no CONFIG_CHECK_OWNER: no check");
	config_free(c);
	chmod("own.conf", 0602);
	check(config_check_owner("own.conf", &e) == -1 && e.nerrs == 1 &&
	    strcmp(e.errs[0], "own.conf: refusing configuration file: mode "
	    "0602 is writable by group or others") == 0,
	    "config_check_owner: other writable");
	config_errors_free(&e);
	chmod("own.conf", 0644);
	if (chown("own.conf", 1, 1) == 0) {
		check(config_check_owner("own.conf", &e) == -1 &&
		    e.nerrs == 1 && strcmp(e.errs[0], "own.conf: refusing "
		    "configuration file: owned by uid 1, not by root") == 0,
		    "config_check_owner: not owned by root");
		config_errors_free(&e);
		chown("own.conf", 0, 0);
	}

	/* includes are checked too */
	mkdir("own.d", 0755);
	write_file("own.d/x.conf", "services:\n  x: { command: /bin/x }\n");
	chmod("own.d/x.conf", 0666);
	write_file("own2.conf", "include: own.d/*.conf\n");
	c = config_load("own2.conf", CONFIG_CHECK_OWNER, &e);
	want = subst("own.d/x.conf: refusing include: mode 0666 "
	    "is writable by group or others");
	check(c == NULL && e.nerrs == 1 && strcmp(e.errs[0], want) == 0,
	    "CONFIG_CHECK_OWNER: include");
	free(want);
	config_free(c);
	config_errors_free(&e);
}

static void
test_default_paths(void)
{
	char	buf[PATH_MAX];

	if (getuid() == 0) {
		check(strcmp(config_default_path(), "/etc/vigild.conf") == 0 &&
		    strcmp(config_default_socket(), "/var/run/vigild.sock") ==
		    0 && strcmp(config_default_log_dir(), "/var/log/vigil") ==
		    0 && strcmp(config_default_state_dir(), "/var/db/vigil") ==
		    0 && strcmp(config_default_pidfile(),
		    "/var/run/vigild.pid") == 0 &&
		    strcmp(config_default_user(), "_vigil") == 0,
		    "default paths for root");
		return;
	}
	setenv("HOME", "/home/t", 1);
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1", 1);
	check(strcmp(config_default_path(), "/xdg/config/vigil/vigild.conf") ==
	    0 && strcmp(config_default_socket(), "/run/user/1/vigild.sock") ==
	    0, "default paths with XDG");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	check(strcmp(config_default_path(),
	    "/home/t/.config/vigil/vigild.conf") == 0 &&
	    strcmp(config_default_socket(), "/home/t/.vigil/vigild.sock") ==
	    0 && strcmp(config_default_log_dir(), "/home/t/.vigil/log") == 0 &&
	    strcmp(config_default_state_dir(), "/home/t/.vigil/state") == 0 &&
	    strcmp(config_default_pidfile(), "/home/t/.vigil/vigild.pid") == 0,
	    "default paths without XDG");
	snprintf(buf, sizeof(buf), "%s", getpwuid(getuid())->pw_name);
	check(strcmp(config_default_user(), buf) == 0, "default user");
}

static void
test_errors_api(void)
{
	struct config_errors	 e;
	FILE			*fp;
	char			 buf[256];
	size_t			 n;

	config_errors_init(&e);
	config_errors_add(&e, "plain %d", 1);
	config_errors_addpos(&e, "f.conf", 3, 7, "with %s", "position");
	config_errors_addpos(&e, "f.conf", 0, 0, "no position");
	config_errors_addpos(&e, "f.conf", 2, 0, "line only");
	check(e.nerrs == 4 && strcmp(e.errs[0], "plain 1") == 0 &&
	    strcmp(e.errs[1], "f.conf:3:7: with position") == 0 &&
	    strcmp(e.errs[2], "f.conf: no position") == 0 &&
	    strcmp(e.errs[3], "f.conf:2: line only") == 0, "config_errors_add");
	if ((fp = tmpfile()) != NULL) {
		config_errors_print(&e, fp);
		rewind(fp);
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		buf[n] = '\0';
		fclose(fp);
		check(strcmp(buf, "plain 1\nf.conf:3:7: with position\n"
		    "f.conf: no position\nf.conf:2: line only\n") == 0,
		    "config_errors_print");
	}
	config_errors_free(&e);
	check(e.nerrs == 0 && e.errs == NULL, "config_errors_free");
}

static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*s;
	long	 len;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	if ((s = calloc(1, len + 1)) == NULL)
		exit(2);
	if (fread(s, 1, len, fp) != (size_t)len)
		len = 0;
	s[len] = '\0';
	fclose(fp);
	return s;
}

/*
 * regress/config/: each bad-*.conf, loaded from that directory by its
 * bare name, gives exactly bad-*.err; each good-*.conf loads.
 */
static void
test_golden(const char *srcdir)
{
	struct config_errors	 e;
	struct vigil_conf	*c;
	struct dirent		*de;
	DIR			*d;
	char			 dir[PATH_MAX], cwd[PATH_MAX];
	char			 err[NAME_MAX + 1];
	char			*want, *got;
	size_t			 len, n = 0;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		exit(2);
	if (snprintf(dir, sizeof(dir), "%s/regress/config", srcdir) >=
	    (int)sizeof(dir) || chdir(dir) == -1 ||
	    (d = opendir(".")) == NULL) {
		printf("ok - # SKIP golden files: no %s\n", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		config_errors_init(&e);
		c = config_load(de->d_name, 0, &e);
		got = joined(&e);
		if (strncmp(de->d_name, "good-", 5) == 0) {
			check(c != NULL, "golden %s loads (%s)", de->d_name,
			    got);
		} else if (strncmp(de->d_name, "bad-", 4) == 0) {
			snprintf(err, sizeof(err), "%.*s.err", (int)len - 5,
			    de->d_name);
			want = slurp(err);
			check(c == NULL && want != NULL &&
			    strcmp(want, got) == 0, "golden %s gives %s",
			    de->d_name, err);
			if (want == NULL || strcmp(want, got) != 0)
				printf("# want:\n%s# got:\n%s", want ? want :
				    "(no file)\n", got);
			free(want);
		}
		n++;
		free(got);
		config_free(c);
		config_errors_free(&e);
	}
	closedir(d);
	check(n > 0, "golden files found: %zu", n);
	if (chdir(cwd) == -1)
		exit(2);
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
main(int argc, char *argv[])
{
	char		 srcdir[PATH_MAX];
	const char	*s;

	/* Where regress/config is: $VIGIL_SRCDIR, argv[1], or ".". */
	if ((s = getenv("VIGIL_SRCDIR")) == NULL)
		s = argc > 1 ? argv[1] : ".";
	if (realpath(s, srcdir) == NULL)
		strlcpy(srcdir, s, sizeof(srcdir));

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config.XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) == -1) {
		perror("mkdtemp");
		return 2;
	}
	test_errors_api();
	test_full();
	test_builtin_defaults();
	test_defaults_merge();
	test_includes();
	test_misc_good();
	test_shared_strings();
	test_grpc();
	test_errors();
	test_owner();
	test_golden(srcdir);
	test_default_paths();

	if (chdir("/") == 0) {
		char	cmd[PATH_MAX + 16];

		if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir) >=
		    (int)sizeof(cmd) || system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	if (nfail) {
		printf("%d failed\n", nfail);
		return 1;
	}
	return 0;
}
