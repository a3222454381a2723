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
 * `vigild -nv': the configuration as the loader made it, printed as a
 * vigild.conf that loads into the same model -- every key of every
 * service with its final value (defaults: and the built-in defaults
 * applied), the services of every include in one `services:', the
 * variables of env_file inside `environment:' (env_file itself is kept:
 * loaded again, it gives the same values in the same order).  Strings
 * are double-quoted, durations and sizes in their largest exact unit.
 * The paths the loader keeps relative to the current directory (those
 * of a file named by a bare name) are printed absolute, so the output
 * means the same from any directory.
 */

#include <sys/types.h>

#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "config.h"

/* A YAML double-quoted scalar (quotes: without them, for a part of one). */
static void
print_str(FILE *fp, const char *s, int quotes)
{
	const unsigned char	*p;

	if (quotes)
		fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	if (quotes)
		fputc('"', fp);
}

static void
print_key_str(FILE *fp, const char *indent, const char *key, const char *s)
{
	fprintf(fp, "%s%s: ", indent, key);
	print_str(fp, s, 1);
	fputc('\n', fp);
}

/* A path of env_file or token_file, absolute. */
static void
print_key_path(FILE *fp, const char *indent, const char *key,
    const char *path)
{
	char	 cwd[PATH_MAX], *abs;

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL) {
		print_key_str(fp, indent, key, path);
		return;
	}
	if (asprintf(&abs, "%s/%s", cwd, path) == -1) {
		print_key_str(fp, indent, key, path);
		return;
	}
	print_key_str(fp, indent, key, abs);
	free(abs);
}

/* [ "a", "b" ] */
static void
print_list(FILE *fp, char * const *v, size_t n)
{
	size_t	 i;

	fputs("[", fp);
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? " " : ", ", fp);
		print_str(fp, v[i], 1);
	}
	fputs(" ]", fp);
}

static const char *
print_bool(int b)
{
	return (b ? "true" : "false");
}

/* "90s" is printed "90s", "2m" as "2m", 1500 ms as "1500ms". */
static void
print_duration(FILE *fp, const char *indent, const char *key, uint64_t ms)
{
	static const struct {
		uint64_t	 ms;
		const char	*unit;
	} units[] = {
		{ 24 * 3600 * 1000ULL, "d" },
		{ 3600 * 1000ULL, "h" },
		{ 60 * 1000ULL, "m" },
		{ 1000ULL, "s" },
	};
	size_t	 i;

	for (i = 0; i < nitems(units); i++) {
		if (ms != 0 && ms % units[i].ms == 0) {
			fprintf(fp, "%s%s: %" PRIu64 "%s\n", indent, key,
			    ms / units[i].ms, units[i].unit);
			return;
		}
	}
	fprintf(fp, "%s%s: %" PRIu64 "ms\n", indent, key, ms);
}

static void
print_size(FILE *fp, const char *indent, const char *key, uint64_t b)
{
	static const char	 units[] = "TGMK";
	int			 i, shift;

	for (i = 0; units[i] != '\0'; i++) {
		shift = 40 - 10 * i;
		if (b != 0 && b % (1ULL << shift) == 0) {
			fprintf(fp, "%s%s: %" PRIu64 "%c\n", indent, key,
			    b >> shift, units[i]);
			return;
		}
	}
	fprintf(fp, "%s%s: %" PRIu64 "\n", indent, key, b);
}

static void
print_signal(FILE *fp, const char *indent, const char *key, int sig)
{
	const char	*name = config_signame(sig);

	if (name != NULL)
		fprintf(fp, "%s%s: %s\n", indent, key, name);
	else
		fprintf(fp, "%s%s: %d\n", indent, key, sig);
}

static void
print_rlimit(FILE *fp, const char *key, const struct config_rlimit *r,
    int size)
{
	if (!r->set)
		return;
	if (r->value == CONFIG_UNLIMITED)
		fprintf(fp, "      %s: unlimited\n", key);
	else if (size)
		print_size(fp, "      ", key, r->value);
	else
		fprintf(fp, "      %s: %" PRIu64 "\n", key, r->value);
}

const char *
config_logdest_name(enum config_log_dest d)
{
	switch (d) {
	case LOGDEST_FILE:
		return ("file");
	case LOGDEST_SYSLOG:
		return ("syslog");
	case LOGDEST_NONE:
		return ("none");
	case LOGDEST_MERGE:
		return ("merge");
	case LOGDEST_CONSOLE:
		return ("console");
	}
	return ("file");
}

static void
print_command(FILE *fp, const struct config_svc *sc)
{
	fprintf(fp, "    shell: %s\n", print_bool(sc->shell));
	if (sc->command_is_list) {
		fputs("    command: ", fp);
		print_list(fp, sc->argv, sc->argc);
		fputc('\n', fp);
	} else
		print_key_str(fp, "    ", "command", sc->command_str);
	if (sc->user != NULL)
		print_key_str(fp, "    ", "user", sc->user);
	if (sc->group != NULL)
		print_key_str(fp, "    ", "group", sc->group);
	if (sc->directory != NULL)
		print_key_str(fp, "    ", "directory", sc->directory);
	fprintf(fp, "    umask: \"%04o\"\n", (unsigned int)sc->umask);
}

static void
print_env(FILE *fp, const struct config_svc *sc)
{
	size_t	 i;

	if (sc->env_file != NULL)
		print_key_path(fp, "    ", "env_file", sc->env_file);
	if (sc->nenv > 0) {
		fputs("    environment:\n", fp);
		for (i = 0; i < sc->nenv; i++)
			print_key_str(fp, "      ", sc->env[i].name,
			    sc->env[i].value);
	}
	fprintf(fp, "    inherit_environment: %s\n",
	    print_bool(sc->inherit_environment));
}

static void
print_instances(FILE *fp, const struct config_svc *sc)
{
	size_t	 i;

	fprintf(fp, "    autostart: %s\n", print_bool(sc->autostart));
	fprintf(fp, "    instances: %u\n", sc->instances);
	if (sc->port.type != PORT_NONE) {
		fprintf(fp, "    port: \"%s%u", sc->port.type == PORT_AUTO ?
		    "auto:" : "", sc->port.lo);
		if (sc->port.hi != sc->port.lo)
			fprintf(fp, "-%u", sc->port.hi);
		fputs("\"\n", fp);
	}
	if (sc->nlisten > 0) {
		fputs("    listen: [", fp);
		for (i = 0; i < sc->nlisten; i++) {
			fputs(i == 0 ? " " : ", ", fp);
			print_str(fp, sc->listen[i].url, 1);
		}
		fputs(" ]\n", fp);
	}
	fprintf(fp, "    priority: %d\n", sc->priority);
	if (sc->ndepends_on > 0) {
		fputs("    depends_on: ", fp);
		print_list(fp, sc->depends_on, sc->ndepends_on);
		fputc('\n', fp);
	}
}

static void
print_restart(FILE *fp, const struct config_svc *sc)
{
	int	 c, first = 1;

	fprintf(fp, "    restart: %s\n", sc->restart == RESTART_ALWAYS ?
	    "always" : sc->restart == RESTART_NEVER ? "never" : "on-failure");
	fputs("    exit_codes: [", fp);
	for (c = 0; c < 256; c++) {
		if (!config_svc_exit_expected(sc, c))
			continue;
		fprintf(fp, "%s%d", first ? " " : ", ", c);
		first = 0;
	}
	fputs(" ]\n", fp);
	print_duration(fp, "    ", "start_seconds", sc->start_seconds_ms);
	fprintf(fp, "    start_retries: %u\n", sc->start_retries);
	fputs("    backoff:\n", fp);
	print_duration(fp, "      ", "initial", sc->backoff.initial_ms);
	print_duration(fp, "      ", "max", sc->backoff.max_ms);
	fprintf(fp, "      factor: %.17g\n", sc->backoff.factor);
	fprintf(fp, "      jitter: %u%%\n", sc->backoff.jitter);
	if (sc->restart_limit.count > 0) {
		fputs("    restart_limit:\n", fp);
		fprintf(fp, "      count: %u\n", sc->restart_limit.count);
		print_duration(fp, "      ", "window",
		    sc->restart_limit.window_ms);
	}
	print_signal(fp, "    ", "stop_signal", sc->stop_signal);
	print_duration(fp, "    ", "stop_timeout", sc->stop_timeout_ms);
	print_signal(fp, "    ", "reload_signal", sc->reload_signal);
}

static void
print_health(FILE *fp, const struct config_svc *sc)
{
	const struct config_health	*h = &sc->health;

	switch (sc->ready) {
	case READY_STARTED:
		fputs("    ready: started\n", fp);
		break;
	case READY_NOTIFY:
		fputs("    ready: notify\n", fp);
		break;
	case READY_HEALTHY:
		fputs("    ready: healthy\n", fp);
		break;
	case READY_TCP:
		fputs("    ready: \"tcp://", fp);
		print_str(fp, sc->ready_target, 0);
		fputs("\"\n", fp);
		break;
	}
	if (h->type == HEALTH_NONE)
		return;
	fputs("    health:\n", fp);
	if (h->type == HEALTH_HTTP)
		print_key_str(fp, "      ", "http", h->target);
	else if (h->type == HEALTH_TCP)
		print_key_str(fp, "      ", "tcp", h->target);
	else if (h->type == HEALTH_GRPC) {
		print_key_str(fp, "      ", "grpc", h->target);
		if (h->service != NULL)
			print_key_str(fp, "      ", "service", h->service);
	} else {
		fputs("      exec: ", fp);
		print_list(fp, h->exec_argv, h->exec_argc);
		fputc('\n', fp);
	}
	print_duration(fp, "      ", "interval", h->interval_ms);
	print_duration(fp, "      ", "timeout", h->timeout_ms);
	fprintf(fp, "      retries: %u\n", h->retries);
	print_duration(fp, "      ", "start_period", h->start_period_ms);
	fprintf(fp, "      on_unhealthy: %s\n",
	    h->on_unhealthy == UNHEALTHY_NONE ? "none" : "restart");
}

static void
print_limits(FILE *fp, const struct config_svc *sc)
{
	const struct config_limits	*l = &sc->limits;

	fputs("    limits:\n", fp);
	if (l->memory == 0)
		fputs("      memory: none\n", fp);
	else
		print_size(fp, "      ", "memory", l->memory);
	if (l->cpu != 0)
		fprintf(fp, "      cpu: %u%%\n", l->cpu);
	print_rlimit(fp, "nofile", &l->nofile, 0);
	print_rlimit(fp, "nproc", &l->nproc, 0);
	print_rlimit(fp, "core", &l->core, 1);
	print_rlimit(fp, "stack", &l->stack, 1);
	print_rlimit(fp, "as", &l->as, 1);
	fprintf(fp, "    cgroup: %s\n", print_bool(sc->cgroup));
	fputs("    log:\n", fp);
	fprintf(fp, "      stdout: %s\n", config_logdest_name(sc->log.out));
	fprintf(fp, "      stderr: %s\n", config_logdest_name(sc->log.err));
	print_size(fp, "      ", "max_size", sc->log.max_size);
	fprintf(fp, "      keep: %u\n", sc->log.keep);
	fprintf(fp, "      timestamps: %s\n", print_bool(sc->log.timestamps));
	if (sc->nwatch > 0) {
		fputs("    watch: ", fp);
		print_list(fp, sc->watch, sc->nwatch);
		fputc('\n', fp);
	}
	if (sc->nignore > 0) {
		fputs("    ignore: ", fp);
		print_list(fp, sc->ignore, sc->nignore);
		fputc('\n', fp);
	}
}

void
config_print(const struct vigil_conf *conf, FILE *fp)
{
	const struct config_svc	*sc;
	size_t			 i;

	fputs("# The effective configuration (vigild -nv) of", fp);
	for (i = 0; i < conf->nfiles; i++)
		fprintf(fp, "%s %s", i == 0 ? "" : ",", conf->files[i]);
	fputs(":\n# defaults applied, includes merged, env_file read into "
	    "environment.\n", fp);
	/* The default is checked when vigild starts, a named user at load. */
	if (strcmp(conf->user, config_default_user()) == 0)
		fprintf(fp, "# user: %s (the default)\n", conf->user);
	else
		print_key_str(fp, "", "user", conf->user);
	fputs("socket:\n", fp);
	print_key_str(fp, "  ", "path", conf->socket_path);
	fprintf(fp, "  mode: \"%04o\"\n", (unsigned int)conf->socket_mode);
	if (conf->socket_group != NULL)
		print_key_str(fp, "  ", "group", conf->socket_group);
	print_key_str(fp, "", "log_dir", conf->log_dir);
	print_key_str(fp, "", "state_dir", conf->state_dir);
	if (conf->watch_config)
		fputs("watch_config: true\n", fp);
	if (conf->http_enabled) {
		fputs("http:\n", fp);
		print_key_str(fp, "  ", "listen", conf->http_listen);
		if (conf->http_token_file != NULL)
			print_key_path(fp, "  ", "token_file",
			    conf->http_token_file);
	}
	fputs("services:", fp);
	if (TAILQ_EMPTY(&conf->services))
		fputs(" {}", fp);
	fputc('\n', fp);
	TAILQ_FOREACH(sc, &conf->services, entry) {
		fprintf(fp, "  ");
		print_str(fp, sc->name, 1);
		fputs(":\n", fp);
		print_command(fp, sc);
		print_env(fp, sc);
		print_instances(fp, sc);
		print_restart(fp, sc);
		print_health(fp, sc);
		print_limits(fp, sc);
	}
}
