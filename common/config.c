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
 * The configuration model: errors, built-in defaults, comparison, freeing.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "log.h"

/*
 * Errors.
 */

void
config_errors_init(struct config_errors *e)
{
	e->errs = NULL;
	e->nerrs = 0;
	e->cap = 0;
}

void
config_errors_free(struct config_errors *e)
{
	size_t	i;

	for (i = 0; i < e->nerrs; i++)
		free(e->errs[i]);
	free(e->errs);
	config_errors_init(e);
}

void
config_errors_vadd(struct config_errors *e, const char *fmt, va_list ap)
{
	char	**n, *s;

	if (vasprintf(&s, fmt, ap) == -1)
		fatal("%s", __func__);
	if (e->nerrs == e->cap) {
		n = reallocarray(e->errs, e->cap ? e->cap * 2 : 8,
		    sizeof(*n));
		if (n == NULL)
			fatal("%s", __func__);
		e->errs = n;
		e->cap = e->cap ? e->cap * 2 : 8;
	}
	e->errs[e->nerrs++] = s;
}

void
config_errors_add(struct config_errors *e, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	config_errors_vadd(e, fmt, ap);
	va_end(ap);
}

void
config_errors_addpos(struct config_errors *e, const char *file, size_t line,
    size_t col, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("%s", __func__);
	va_end(ap);
	if (line == 0)
		config_errors_add(e, "%s: %s", file, msg);
	else if (col == 0)
		config_errors_add(e, "%s:%zu: %s", file, line, msg);
	else
		config_errors_add(e, "%s:%zu:%zu: %s", file, line, col, msg);
	free(msg);
}

void
config_errors_print(const struct config_errors *e, FILE *fp)
{
	size_t	i;

	for (i = 0; i < e->nerrs; i++)
		fprintf(fp, "%s\n", e->errs[i]);
}

/*
 * Default paths (vigild(8), FILES): as root the system's, else under
 * the user's own directories.
 */

static const char *
home_dir(void)
{
	struct passwd	*pw;
	const char	*h;

	if ((h = getenv("HOME")) != NULL && *h == '/')
		return (h);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return (pw->pw_dir);
	return ("/");
}

static const char *
user_path(char *buf, size_t len, const char *env, const char *envsub,
    const char *homesub)
{
	const char	*e;

	if (env != NULL && (e = getenv(env)) != NULL && *e == '/')
		snprintf(buf, len, "%s/%s", e, envsub);
	else
		snprintf(buf, len, "%s/%s", home_dir(), homesub);
	return (buf);
}

const char *
config_default_path(void)
{
	static char	buf[PATH_MAX];

	if (getuid() == 0)
		return ("/etc/vigild.conf");
	return (user_path(buf, sizeof(buf), "XDG_CONFIG_HOME",
	    "vigil/vigild.conf", ".config/vigil/vigild.conf"));
}

const char *
config_default_socket(void)
{
	static char	buf[PATH_MAX];

	if (getuid() == 0)
		return ("/var/run/vigild.sock");
	return (user_path(buf, sizeof(buf), "XDG_RUNTIME_DIR", "vigild.sock",
	    ".vigil/vigild.sock"));
}

const char *
config_default_log_dir(void)
{
	static char	buf[PATH_MAX];

	if (getuid() == 0)
		return ("/var/log/vigil");
	return (user_path(buf, sizeof(buf), NULL, NULL, ".vigil/log"));
}

const char *
config_default_state_dir(void)
{
	static char	buf[PATH_MAX];

	if (getuid() == 0)
		return ("/var/db/vigil");
	return (user_path(buf, sizeof(buf), NULL, NULL, ".vigil/state"));
}

const char *
config_default_pidfile(void)
{
	static char	buf[PATH_MAX];

	if (getuid() == 0)
		return ("/var/run/vigild.pid");
	return (user_path(buf, sizeof(buf), NULL, NULL, ".vigil/vigild.pid"));
}

const char *
config_default_user(void)
{
	static char	 buf[LOGIN_NAME_MAX + 1];
	struct passwd	*pw;
	const char	*u;

	if (getuid() == 0)
		return ("_vigil");
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		strlcpy(buf, pw->pw_name, sizeof(buf));
	else if ((u = getenv("USER")) != NULL && *u != '\0')
		strlcpy(buf, u, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%u", (unsigned int)getuid());
	return (buf);
}

/*
 * The root check, on a file vigild reads as root (the
 * configuration, an include, an env_file, the token_file): the file it
 * opened (fstat of the descriptor, so nothing can be swapped between the
 * check and the read) and every directory above it are owned by root
 * and not writable by group or others.  A directory with the sticky bit
 * (/tmp) may be writable: nobody else can rename or remove root's
 * entries in it.  Returns an open descriptor, or -1 with the reason in
 * err ("refusing env_file: mode 0666 is writable by group or
 * others").  check == 0: only opened (vigild not run as root).
 */
int
config_open_checked(const char *path, const char *what, int check,
    char *err, size_t errlen)
{
	struct stat	 st, dst;
	char		*real, *slash;
	int		 fd, save;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		save = errno;
		close(fd);
		snprintf(err, errlen, "%s", strerror(save));
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "not a regular file");
		return (-1);
	}
	if (!check)
		return (fd);
	if (st.st_uid != 0) {
		close(fd);
		snprintf(err, errlen, "refusing %s: owned by uid %u, "
		    "not by root", what, (unsigned int)st.st_uid);
		return (-1);
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		snprintf(err, errlen, "refusing %s: mode %04o is "
		    "writable by group or others", what,
		    (unsigned int)(st.st_mode & 07777));
		return (-1);
	}
	/* The directories above: by the path the file was found under. */
	if ((real = realpath(path, NULL)) == NULL ||
	    stat(real, &dst) == -1 || dst.st_dev != st.st_dev ||
	    dst.st_ino != st.st_ino) {
		free(real);
		close(fd);
		snprintf(err, errlen, "refusing %s: it changed while "
		    "being opened", what);
		return (-1);
	}
	while ((slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(real, &dst) == -1) {
			snprintf(err, errlen, "directory %s: %s", real,
			    strerror(errno));
			break;
		}
		if (dst.st_uid != 0) {
			snprintf(err, errlen, "refusing %s: the directory "
			    "%s above it is owned by uid %u, not by root",
			    what, real, (unsigned int)dst.st_uid);
			break;
		}
		if ((dst.st_mode & (S_IWGRP | S_IWOTH)) &&
		    !(dst.st_mode & S_ISVTX)) {
			snprintf(err, errlen, "refusing %s: the directory "
			    "%s above it has mode %04o, writable by group or "
			    "others", what, real,
			    (unsigned int)(dst.st_mode & 07777));
			break;
		}
		if (slash == real) {
			free(real);
			return (fd);
		}
	}
	free(real);
	close(fd);
	return (-1);
}

int
config_check_owner(const char *path, struct config_errors *errs)
{
	char	 err[PATH_MAX * 2 + 128];
	int	 fd;

	if (getuid() != 0 && geteuid() != 0)
		return (0);
	if ((fd = config_open_checked(path, "configuration file", 1, err,
	    sizeof(err))) == -1) {
		config_errors_add(errs, "%s: %s", path, err);
		return (-1);
	}
	close(fd);
	return (0);
}

/*
 * Names.
 */

/* Service names: what a target, a file name and a cgroup can hold. */
int
config_valid_name(const char *s)
{
	size_t	i, len;

	len = strlen(s);
	if (len == 0 || len >= 64 || strcmp(s, "all") == 0)
		return (0);
	if (s[0] == '.' || s[0] == '-')
		return (0);
	for (i = 0; i < len; i++) {
		if (!isascii((unsigned char)s[i]) ||
		    (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.'))
			return (0);
	}
	return (1);
}

int
config_valid_envname(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || isdigit((unsigned char)s[0]))
		return (0);
	for (i = 0; i < len; i++)
		if (!isascii((unsigned char)s[i]) ||
		    (!isalnum((unsigned char)s[i]) && s[i] != '_'))
			return (0);
	return (1);
}

/* Set name=value, replacing a previous one; *idxp gets its index. */
void
config_env_set(struct config_env **envp, size_t *nenvp, const char *name,
    const char *value, size_t *idxp)
{
	struct config_env	*n;
	size_t		 i;
	char		*v;

	if ((v = strdup(value)) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < *nenvp; i++) {
		if (strcmp((*envp)[i].name, name) == 0) {
			free((*envp)[i].value);
			(*envp)[i].value = v;
			if (idxp != NULL)
				*idxp = i;
			return;
		}
	}
	if ((n = reallocarray(*envp, *nenvp + 1, sizeof(*n))) == NULL)
		fatal("%s", __func__);
	*envp = n;
	if ((n[*nenvp].name = strdup(name)) == NULL)
		fatal("%s", __func__);
	n[*nenvp].value = v;
	if (idxp != NULL)
		*idxp = *nenvp;
	(*nenvp)++;
}

/*
 * Built-in service defaults (documented in config.h).
 */
void
config_svc_init(struct config_svc *s)
{
	memset(s, 0, sizeof(*s));
	s->uid = (uid_t)-1;
	s->gid = (gid_t)-1;
	s->umask = 022;
	s->autostart = 1;
	s->instances = 1;
	s->priority = 999;
	s->restart = RESTART_ON_FAILURE;
	s->exit_codes[0] = 1;		/* exit code 0 */
	s->start_seconds_ms = 1000;
	s->start_retries = 3;
	s->backoff.initial_ms = 1000;
	s->backoff.max_ms = 60000;
	s->backoff.factor = 2.0;
	s->backoff.jitter = 10;
	s->stop_signal = SIGTERM;
	s->stop_timeout_ms = 10000;
	s->reload_signal = SIGHUP;
	s->ready = READY_STARTED;
	s->health.interval_ms = 10000;
	s->health.timeout_ms = 2000;
	s->health.retries = 3;
	s->health.on_unhealthy = UNHEALTHY_RESTART;
	s->cgroup = 1;
	s->log.out = LOGDEST_FILE;
	s->log.err = LOGDEST_MERGE;
	s->log.max_size = 10 * 1024 * 1024;
	s->log.keep = 5;
}

void
config_svc_free(struct config_svc *s)
{
	size_t	i;

	if (s == NULL)
		return;
	free(s->name);
	/* s->pos.file is the conf's (files[]) */
	/* Shared: the conf's, freed after its services (config_strs.c). */
	if (!s->strs_shared) {
		free(s->command_str);
		config_free_argv(s->argv);
		free(s->user);
		free(s->group);
		free(s->directory);
		for (i = 0; i < s->nenv; i++) {
			free(s->env[i].name);
			freezero(s->env[i].value, strlen(s->env[i].value));
		}
		free(s->env);
	}
	free(s->env_file);
	for (i = 0; i < s->nlisten; i++) {
		free(s->listen[i].url);
		free(s->listen[i].host);
		free(s->listen[i].path);
	}
	free(s->listen);
	for (i = 0; i < s->ndepends_on; i++)
		free(s->depends_on[i]);
	free(s->depends_on);
	config_free_argv(s->watch);
	config_free_argv(s->ignore);
	free(s->ready_target);
	free(s->health.target);
	free(s->health.service);
	config_free_argv(s->health.exec_argv);
	free(s);
}

void
config_free(struct vigil_conf *conf)
{
	struct config_svc	*s, *t;
	size_t		 i;

	if (conf == NULL)
		return;
	TAILQ_FOREACH_SAFE(s, &conf->services, entry, t) {
		TAILQ_REMOVE(&conf->services, s, entry);
		config_svc_free(s);
	}
	config_strs_free(conf->strs);
	for (i = 0; i < conf->nfiles; i++)
		free(conf->files[i]);
	free(conf->files);
	free(conf->path);
	free(conf->user);
	free(conf->socket_path);
	free(conf->socket_group);
	free(conf->log_dir);
	free(conf->state_dir);
	free(conf->include);
	free(conf->http_listen);
	free(conf->http_host);
	free(conf->http_token_file);
	free(conf);
}

struct config_svc *
config_find(struct vigil_conf *conf, const char *name)
{
	struct config_svc	*s;

	TAILQ_FOREACH(s, &conf->services, entry)
		if (strcmp(s->name, name) == 0)
			return (s);
	return (NULL);
}

int
config_svc_exit_expected(const struct config_svc *s, int code)
{
	if (code < 0 || code > 255)
		return (0);
	return ((s->exit_codes[code / 32] >> (code % 32)) & 1);
}

int
config_svc_port(const struct config_svc *s, unsigned int instance)
{
	if (s->port.type != PORT_FIXED)
		return (-1);
	if ((unsigned int)s->port.lo + instance > 65535)
		return (-1);
	return (s->port.lo + instance);
}

/*
 * Comparison for reload.
 */

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

static int
argv_eq(char **a, size_t na, char **b, size_t nb)
{
	size_t	i;

	if (na != nb)
		return (0);
	for (i = 0; i < na; i++)
		if (!str_eq(a[i], b[i]))
			return (0);
	return (1);
}

/* Order-insensitive: names are unique. */
static int
env_eq(const struct config_svc *a, const struct config_svc *b)
{
	size_t	i, j;

	if (a->nenv != b->nenv)
		return (0);
	for (i = 0; i < a->nenv; i++) {
		for (j = 0; j < b->nenv; j++)
			if (strcmp(a->env[i].name, b->env[j].name) == 0)
				break;
		if (j == b->nenv || strcmp(a->env[i].value, b->env[j].value))
			return (0);
	}
	return (1);
}

static int
deps_eq(const struct config_svc *a, const struct config_svc *b)
{
	size_t	i, j;

	if (a->ndepends_on != b->ndepends_on)
		return (0);
	for (i = 0; i < a->ndepends_on; i++) {
		for (j = 0; j < b->ndepends_on; j++)
			if (strcmp(a->depends_on[i], b->depends_on[j]) == 0)
				break;
		if (j == b->ndepends_on)
			return (0);
	}
	return (1);
}

static int
listen_eq(const struct config_svc *a, const struct config_svc *b)
{
	size_t	i;

	if (a->nlisten != b->nlisten)
		return (0);
	for (i = 0; i < a->nlisten; i++)
		if (!str_eq(a->listen[i].url, b->listen[i].url))
			return (0);
	return (1);
}

static int
rlimit_eq(const struct config_rlimit *a, const struct config_rlimit *b)
{
	return (a->set == b->set && (!a->set || a->value == b->value));
}

static int
limits_eq(const struct config_limits *a, const struct config_limits *b)
{
	return (a->memory == b->memory && a->cpu == b->cpu &&
	    rlimit_eq(&a->nofile, &b->nofile) &&
	    rlimit_eq(&a->nproc, &b->nproc) &&
	    rlimit_eq(&a->core, &b->core) &&
	    rlimit_eq(&a->stack, &b->stack) &&
	    rlimit_eq(&a->as, &b->as));
}

static int
health_eq(const struct config_health *a, const struct config_health *b)
{
	return (a->type == b->type && str_eq(a->target, b->target) &&
	    str_eq(a->service, b->service) &&
	    argv_eq(a->exec_argv, a->exec_argc, b->exec_argv,
	    b->exec_argc) &&
	    a->interval_ms == b->interval_ms &&
	    a->timeout_ms == b->timeout_ms && a->retries == b->retries &&
	    a->start_period_ms == b->start_period_ms &&
	    a->on_unhealthy == b->on_unhealthy);
}

int
config_svc_equal_but_instances(const struct config_svc *a,
    const struct config_svc *b)
{
	if (!str_eq(a->command_str, b->command_str) ||
	    !argv_eq(a->argv, a->argc, b->argv, b->argc) ||
	    a->command_is_list != b->command_is_list ||
	    a->shell != b->shell)
		return (0);
	if (!str_eq(a->user, b->user) || !str_eq(a->group, b->group) ||
	    a->uid != b->uid || a->gid != b->gid ||
	    a->use_initgroups != b->use_initgroups)
		return (0);
	if (!str_eq(a->directory, b->directory) || a->umask != b->umask)
		return (0);
	if (!env_eq(a, b) || !str_eq(a->env_file, b->env_file) ||
	    a->inherit_environment != b->inherit_environment)
		return (0);
	if (a->autostart != b->autostart || a->port.type != b->port.type ||
	    a->port.lo != b->port.lo || a->port.hi != b->port.hi ||
	    !listen_eq(a, b) || a->priority != b->priority || !deps_eq(a, b))
		return (0);
	if (a->restart != b->restart ||
	    memcmp(a->exit_codes, b->exit_codes, sizeof(a->exit_codes)) ||
	    a->start_seconds_ms != b->start_seconds_ms ||
	    a->start_retries != b->start_retries)
		return (0);
	if (a->backoff.initial_ms != b->backoff.initial_ms ||
	    a->backoff.max_ms != b->backoff.max_ms ||
	    a->backoff.factor != b->backoff.factor ||
	    a->backoff.jitter != b->backoff.jitter ||
	    a->restart_limit.count != b->restart_limit.count ||
	    a->restart_limit.window_ms != b->restart_limit.window_ms)
		return (0);
	if (a->stop_signal != b->stop_signal ||
	    a->stop_timeout_ms != b->stop_timeout_ms ||
	    a->reload_signal != b->reload_signal)
		return (0);
	if (a->ready != b->ready || !str_eq(a->ready_target, b->ready_target) ||
	    !health_eq(&a->health, &b->health) ||
	    !limits_eq(&a->limits, &b->limits) || a->cgroup != b->cgroup)
		return (0);
	if (a->log.out != b->log.out || a->log.err != b->log.err ||
	    a->log.max_size != b->log.max_size || a->log.keep != b->log.keep ||
	    a->log.timestamps != b->log.timestamps)
		return (0);
	return (1);
}

int
config_svc_equal(const struct config_svc *a, const struct config_svc *b)
{
	return (a->instances == b->instances &&
	    config_svc_equal_but_instances(a, b));
}
