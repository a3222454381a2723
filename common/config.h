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
 * The configuration model (vigild.conf(5)) and its loader.
 *
 * config_load() reads the YAML file and every include, applies `defaults:`,
 * fills in the built-in defaults, resolves users, groups and directories and
 * validates everything.  It collects every error, formatted
 * "FILE:LINE:COLUMN: message", and returns NULL if there was any.
 * The returned model is complete: every field holds its final value, a
 * consumer never has to know a default.
 *
 * Units: every time is a uint64_t in milliseconds (*_ms), every size a
 * uint64_t in bytes.  CONFIG_UNLIMITED stands for "unlimited".
 *
 * ${...} expansion is NOT done at load: command, environment values,
 * directory, health and ready targets are stored as written and expanded
 * per instance at spawn time with config_expand().  The loader only checks
 * that every ${VAR} used names something that will be defined.
 *
 * `defaults:` holds any service key and is applied to every service before
 * the service's own keys: a scalar or list key of the service replaces the
 * default, a mapping (backoff, health, limits, log, restart_limit,
 * environment) merges with it key by key.
 *
 * Paths in include, env_file and http.token_file are relative to the
 * directory of the file that names them.  When the main file is given as a
 * bare name ("vigild.conf") they stay relative to the current directory,
 * so error messages show them as typed; a daemon that chdirs before a
 * reload should pass an absolute path (realpath(3)) to config_load().
 *
 * Errors are sorted by file (in the order read) and position.  Run with
 * CONFIG_CHECK_OWNER, a refused file is not read at all.
 */

#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_UNLIMITED	UINT64_MAX

#define CONFIG_INSTANCES_MAX	1000
#define CONFIG_KEEP_MAX		1000

/* config_load() flags */
#define CONFIG_CHECK_OWNER	0x01	/* root: file/includes owned by root,
					   not group/other writable */
#define CONFIG_NO_RESOLVE	0x02	/* do not look up users, groups,
					   directories, env_file, host names */
#define CONFIG_NO_INCLUDE	0x04	/* do not read include: files (fuzz) */
#define CONFIG_NO_DNS		0x08	/* do not resolve host names: the
					   daemon (its monitor resolves them);
					   vigild -n still does */

/*
 * Who resolves the host names vigild -n checks (NULL: the load itself,
 * with getaddrinfo).  fn(user, host, &gai) gives getaddrinfo's result
 * for host in *gai and returns 0, or returns -1 to leave the name
 * unchecked (it tells why itself); user is the helpers' user: key.
 */
typedef int	(*config_resolver)(const char *, const char *, int *);
void	config_set_resolver(config_resolver);

/*
 * Errors: an ordered list of "FILE:LINE:COLUMN: message" strings
 * (or "FILE: message" when there is no position).
 */
struct config_errors {
	char		**errs;
	size_t		  nerrs;
	size_t		  cap;
};

void	config_errors_init(struct config_errors *);
void	config_errors_free(struct config_errors *);
void	config_errors_add(struct config_errors *, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
void	config_errors_vadd(struct config_errors *, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));
/* line and column are 1-based; 0 leaves them out. */
void	config_errors_addpos(struct config_errors *, const char *, size_t,
	    size_t, const char *, ...)
	    __attribute__((__format__ (printf, 5, 6)));
/* One error per line on fp. */
void	config_errors_print(const struct config_errors *, FILE *);

/* Where something was defined (1-based, as an editor shows it). */
struct config_pos {
	char		*file;		/* struct config_svc's: its conf's
					   files[] entry, not its own */
	size_t		 line;
	size_t		 column;
};

/* One environment variable; lists keep the order of the file. */
struct config_env {
	char		*name;
	char		*value;		/* unexpanded */
};

enum config_restart {
	RESTART_ON_FAILURE = 0,		/* default, like supervisord's
					   autorestart=unexpected and PM2 */
	RESTART_ALWAYS,
	RESTART_NEVER
};

enum config_port_type {
	PORT_NONE = 0,			/* no port: ${PORT} is an error */
	PORT_FIXED,			/* `8000` or `8000-8003` */
	PORT_AUTO			/* `auto:9000-9100`: the parent picks a
					   free one in the range per instance */
};

struct config_port {
	enum config_port_type	 type;
	uint16_t		 lo;	/* `8000`: lo == hi */
	uint16_t		 hi;
};

enum config_listen_type {
	LISTEN_TCP = 0,
	LISTEN_UNIX
};

struct config_listen {
	enum config_listen_type	 type;
	char			*url;	/* as written */
	char			*host;	/* TCP: host ("0.0.0.0", "::", name),
					   brackets removed; NULL for UNIX */
	uint16_t		 port;	/* TCP */
	char			*path;	/* UNIX */
};

enum config_ready {
	READY_STARTED = 0,		/* default: up for start_seconds */
	READY_NOTIFY,			/* sd_notify READY=1 */
	READY_HEALTHY,			/* first passing health check */
	READY_TCP			/* a connect to ready_target works */
};

enum config_health_type {
	HEALTH_NONE = 0,
	HEALTH_HTTP,
	HEALTH_TCP,
	HEALTH_EXEC,
	HEALTH_GRPC			/* grpc.health.v1, cleartext HTTP/2 */
};

enum config_unhealthy {
	UNHEALTHY_RESTART = 0,		/* default */
	UNHEALTHY_NONE
};

#define CONFIG_GRPC_SERVICEMAX	200	/* health.service, as written */

struct config_health {
	enum config_health_type	 type;
	char			*target;	/* HTTP: URL; TCP, GRPC:
						   HOST:PORT; unexpanded;
						   NULL for EXEC */
	char			*service;	/* GRPC: service name,
						   unexpanded; NULL: "" */
	char			**exec_argv;	/* EXEC: NULL-terminated */
	size_t			 exec_argc;
	uint64_t		 interval_ms;	/* default 10s */
	uint64_t		 timeout_ms;	/* default 2s */
	unsigned int		 retries;	/* default 3 */
	uint64_t		 start_period_ms; /* default 0 */
	enum config_unhealthy	 on_unhealthy;	/* default restart */
};

/* A resource limit; value CONFIG_UNLIMITED means RLIM_INFINITY. */
struct config_rlimit {
	int			 set;		/* 0: leave vigild's own */
	uint64_t		 value;
};

struct config_limits {
	uint64_t		 memory;	/* bytes; 0 = none */
	unsigned int		 cpu;		/* %, 1..100*ncpu; 0: none */
	struct config_rlimit	 nofile;
	struct config_rlimit	 nproc;
	struct config_rlimit	 core;		/* bytes */
	struct config_rlimit	 stack;		/* bytes */
	struct config_rlimit	 as;		/* bytes */
};

enum config_log_dest {
	LOGDEST_FILE = 0,
	LOGDEST_SYSLOG,
	LOGDEST_NONE,
	LOGDEST_MERGE,			/* stderr only: into stdout's stream */
	LOGDEST_CONSOLE			/* stdout only: vigild's own stdout,
					   each line prefixed "NAME | " */
};

struct config_log {
	enum config_log_dest	 out;		/* default file */
	enum config_log_dest	 err;		/* default merge */
	uint64_t		 max_size;	/* 10M; 0: no rotation */
	unsigned int		 keep;		/* default 5 */
	int			 timestamps;	/* default 0 */
};

struct config_backoff {
	uint64_t		 initial_ms;	/* default 1s */
	uint64_t		 max_ms;	/* default 60s */
	double			 factor;	/* default 2, >= 1 */
	unsigned int		 jitter;	/* %, default 10, 0..100 */
};

struct config_restart_limit {
	unsigned int		 count;		/* 0 = disabled (default) */
	uint64_t		 window_ms;	/* default 60s if count set */
};

struct config_svc {
	TAILQ_ENTRY(config_svc)	 entry;
	char			*name;
	struct config_pos	 pos;		/* of the name key */

	/*
	 * command: argv as split (string: like a shell, without running
	 * one; list: as given).  command_str is the string as written, or
	 * for a list its elements joined by spaces (for display).
	 * shell: command must be a string and argv is
	 * { "/bin/sh", "-c", command_str }.  The spawner expands each argv
	 * element with config_expand() (after splitting, so a value is never
	 * re-split) and execs the result.
	 */
	char			*command_str;
	char			**argv;		/* NULL-terminated */
	size_t			 argc;
	int			 command_is_list;
	int			 shell;		/* default 0 */

	/*
	 * user/group: NULL = the daemon's own user (no change).  When user
	 * is set: uid/gid resolved at load, gid is the user's primary group
	 * unless group is set, and the spawner calls initgroups(user, gid)
	 * (use_initgroups).  With CONFIG_NO_RESOLVE ids are left at -1.
	 */
	char			*user;
	char			*group;
	uid_t			 uid;		/* (uid_t)-1 if user unset */
	gid_t			 gid;		/* (gid_t)-1 if neither set */
	int			 use_initgroups;
	int			 cgroup;	/* default 1 */

	char			*directory;	/* absolute (or starting with
						   ${...}); NULL: the spawner's
						   choice */
	int			 directory_expand; /* contains ${...}: check
						      after expansion */
	mode_t			 umask;		/* default 022 */

	/*
	 * The service's own environment, in order: env_file lines first,
	 * then `environment:` (which overrides a same-named env_file one;
	 * a name appears once).  Values unexpanded.
	 */
	struct config_env	*env;
	size_t			 nenv;
	char			*env_file;	/* path (see above) or NULL;
						   read at load unless
						   CONFIG_NO_RESOLVE */
	int			 inherit_environment; /* default 0 */

	int			 autostart;	/* default 1 */
	unsigned int		 instances;	/* default 1, 1..1000 */
	struct config_port	 port;		/* `8000` with instances N means
						   8000..8000+N-1 */
	struct config_listen	*listen;
	size_t			 nlisten;
	int			 priority;	/* default 999 */
	/*
	 * Set once the configuration is loaded: command_str, argv and its
	 * strings, user, group, directory and env with its names and
	 * values are the configuration's shared copies (config_strs.c).
	 */
	int			 strs_shared;
	char			**depends_on;	/* names (checked to exist) */
	size_t			 ndepends_on;

	enum config_restart	 restart;	/* default on-failure */
	uint32_t		 exit_codes[8];	/* bitmap of 0..255, default
						   {0}: see
						   config_svc_exit_expected() */
	uint64_t		 start_seconds_ms; /* default 1s */
	unsigned int		 start_retries;	/* default 3 */
	struct config_backoff	 backoff;
	struct config_restart_limit restart_limit;
	int			 stop_signal;	/* default SIGTERM */
	uint64_t		 stop_timeout_ms; /* default 10s */
	int			 reload_signal;	/* default SIGHUP */

	enum config_ready	 ready;		/* default started */
	char			*ready_target;	/* READY_TCP: "HOST:PORT",
						   unexpanded */
	struct config_health	 health;
	struct config_limits	 limits;
	struct config_log	 log;
	char			**watch;	/* absolute paths: restart when
						   a file under them changes */
	size_t			 nwatch;
	char			**ignore;	/* globs of names not watched */
	size_t			 nignore;
};
TAILQ_HEAD(config_svc_list, config_svc);
struct config_strs;

struct vigil_conf {
	char			*path;		/* the main file */
	char			**files;	/* every file read: path, then
						   includes in glob order */
	size_t			 nfiles;

	char			*user;		/* helpers' user; default
						   config_default_user() */
	char			*socket_path;	/* config_default_*() */
	mode_t			 socket_mode;	/* default 0660 (root),
						   0600 (ordinary user) */
	char			*socket_group;	/* NULL: owner's group */
	gid_t			 socket_gid;	/* (gid_t)-1: none/unresolved */
	char			*log_dir;	/* config_default_*() */
	char			*state_dir;	/* config_default_*() */
	char			*include;	/* glob(s) as written (a list
						   joined by spaces) or NULL */

	int			 http_enabled;	/* `http:` present */
	char			*http_listen;	/* HOST:PORT as written */
	char			*http_host;	/* parsed, brackets removed */
	uint16_t		 http_port;
	char			*http_token_file; /* NULL: GET only */

	int			 watch_config;	/* reload when a file read
						   changes */

	struct config_svc_list	 services;	/* in order of definition */
	size_t			 nservices;
	struct config_strs	*strs;		/* the services' shared strings */
};

struct vigil_conf *config_load(const char *, int, struct config_errors *);
/* As config_load, from memory; includes are read from disk. */
struct vigil_conf *config_load_buffer(const char *, const void *, size_t, int,
	    struct config_errors *);
/*
 * The same load in slices (common/config_load.c; the parent's reload):
 * begin, then step until it gives 1, each step doing at least one piece
 * and going on while busy(arg) gives 0; end gives the configuration or
 * NULL (the errors in errs, as config_load gives them) and frees the
 * loader, also one not done (nothing is kept).  config_load_every sets
 * how much work goes between two calls of busy (tests: 1).
 */
struct config_loader;
struct config_loader *config_load_begin(const char *, int,
	    struct config_errors *);
struct config_loader *config_load_begin_buffer(const char *, const void *,
	    size_t, int, struct config_errors *);
void	config_load_every(struct config_loader *, unsigned int);
int	config_load_step(struct config_loader *, int (*)(void *), void *);
struct vigil_conf *config_load_end(struct config_loader *);
void	config_free(struct vigil_conf *);
/*
 * The model as a vigild.conf that loads into the same model: every key
 * with its final value, includes merged (common/config_print.c).
 */
void	config_print(const struct vigil_conf *, FILE *);
/* A log destination as the configuration writes it: "file", "syslog"... */
const char *config_logdest_name(enum config_log_dest);
struct config_svc *config_find(struct vigil_conf *, const char *);

/*
 * 1 if two services have the same resolved configuration (reload leaves
 * such a service alone), 0 otherwise.  The name and pos are ignored.
 */
int	config_svc_equal(const struct config_svc *, const struct config_svc *);
/* Same, but ignoring `instances` (reload scales those up or down). */
int	config_svc_equal_but_instances(const struct config_svc *,
	    const struct config_svc *);
/* 1 if exit status `code` (0..255) is listed in exit_codes. */
int	config_svc_exit_expected(const struct config_svc *, int);
/*
 * The port of an instance for PORT_FIXED (lo + instance), -1 for
 * PORT_NONE and PORT_AUTO (the parent picks from lo..hi).
 */
int	config_svc_port(const struct config_svc *, unsigned int);

/*
 * The root check: when run as root, a file must be
 * owned by root and not writable by group or others.  Adds
 * "PATH: refusing configuration file: ..." to errs and returns -1 if not.
 * Returns 0 when not root.
 */
int	config_check_owner(const char *, struct config_errors *);
int	config_open_checked(const char *path, const char *what, int check,
	    char *err, size_t errlen);

/*
 * The defaults of vigild(8), FILES, chosen by getuid() == 0.  Each returns a
 * static buffer, overwritten by the next call of the same function.
 */
const char *config_default_path(void);
const char *config_default_socket(void);
const char *config_default_log_dir(void);
const char *config_default_state_dir(void);
const char *config_default_pidfile(void);
const char *config_default_user(void);

/*
 * ${...} expansion.  ${NAME} is the bare service name (not name:N),
 * ${INSTANCE} 0..instances-1, ${PORT} the instance's port (an error if
 * port < 0, i.e. none), anything else from env (the service environment,
 * already expanded or not: values are used verbatim), else from vigild's
 * own environment; an undefined variable is an error.  `$$` is a literal
 * `$`; a `$` not followed by `{` or `$` is kept as is.
 */
struct config_expand_ctx {
	const char		*name;
	unsigned int		 instance;
	int			 port;		/* -1: no port */
	const struct config_env	*env;
	size_t			 nenv;
};

/* Returns a malloc'd string, or NULL with the reason in err. */
char	*config_expand(const char *, const struct config_expand_ctx *,
	    char *, size_t);

/* Parsers; return 0, or -1 with a static reason in *errstr. */
int	config_parse_duration(const char *, uint64_t *, const char **);
int	config_parse_size(const char *, uint64_t *, const char **);
int	config_parse_signal(const char *, int *, const char **);
const char *config_signame(int);	/* "TERM"; NULL if unknown */
/* argv is NULL-terminated, free with config_free_argv(). */
int	config_split_command(const char *, char ***, size_t *, const char **);
void	config_free_argv(char **);

#endif /* VIGIL_CONFIG_H */
