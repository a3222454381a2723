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
 * The configuration loader, bad files: the exact error strings with line
 * and column, every error reported; and the error list itself.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_config.h"

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

/* vigild -n as root: a resolver of its own (parent/parent_conf_dns.c). */
static char	resolver_asked[256];
static char	resolver_user[64];

static int
test_resolver(const char *user, const char *host, int *gai)
{
	strlcat(resolver_asked, host, sizeof(resolver_asked));
	strlcat(resolver_asked, " ", sizeof(resolver_asked));
	strlcpy(resolver_user, user, sizeof(resolver_user));
	if (strcmp(host, "skip.example") == 0)
		return (-1);
	*gai = strcmp(host, "bad.example") == 0 ? EAI_NONAME : 0;
	return (0);
}

static void
test_resolver_hook(void)
{
	char	*want;

	if (asprintf(&want, "t.conf:4:20: cannot resolve \"bad.example\" for "
	    "health.tcp in service \"a\": %s\n"
	    "t.conf:5:14: bad value \"x\" for restart in service \"a\": "
	    "expected always, on-failure or never\n"
	    "t.conf:8:12: cannot resolve \"bad.example\" for ready in "
	    "service \"b\": %s\n", gai_strerror(EAI_NONAME),
	    gai_strerror(EAI_NONAME)) == -1)
		exit(2);
	config_set_resolver(test_resolver);
	load_bad("resolver: its errors in place",
	    "services:\n  a:\n    command: /bin/a\n"
	    "    health: { tcp: \"bad.example:80\" }\n"
	    "    restart: x\n"
	    "  b:\n    command: /bin/b\n"
	    "    ready: tcp://bad.example:81\n"
	    "  c:\n    command: /bin/c\n"
	    "    health: { http: \"http://skip.example/\" }\n"
	    "  d:\n    command: /bin/d\n"
	    "    health: { grpc: \"good.example:82\" }\n"
	    "  e:\n    command: /bin/e\n    environment: { HOST: db }\n"
	    "    health: { tcp: \"${HOST}:83\" }\n"
	    "user: root\n", 0, want);
	check(strcmp(resolver_asked, "bad.example bad.example skip.example "
	    "good.example ") == 0, "resolver: asked every name, once "
	    "(%s)", resolver_asked);
	check(strcmp(resolver_user, "root") == 0,
	    "resolver: told the helpers' user, read first (%s)",
	    resolver_user);
	config_set_resolver(NULL);
	free(want);
}

int
main(void)
{
	unit_config_begin("test_config_errors");
	test_errors_api();
	test_errors();
	test_resolver_hook();
	return (unit_config_end());
}
