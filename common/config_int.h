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
 * Private to the configuration loader (common/config_*.c).
 */

#ifndef VIGIL_CONFIG_INT_H
#define VIGIL_CONFIG_INT_H

#include <sys/types.h>
#include <sys/tree.h>

#include <stddef.h>

#include <yaml.h>

#include "config.h"
#include "xmalloc.h"

/* A position in a file; file points to a string owned by the loader. */
struct lpos {
	const char		*file;
	size_t			 line;
	size_t			 col;
};

/* What the loader remembers about a service beyond struct svc_conf. */
struct svc_parse {
	struct svc_conf		*svc;
	RB_ENTRY(svc_parse)	 byname;	/* cfg_sp_find() */
	size_t			 idx;		/* in cfg.sp */
	struct lpos		 p_name;
	struct lpos		 p_command;
	struct lpos		 p_shell;
	struct lpos		 p_user;
	struct lpos		 p_group;
	struct lpos		 p_directory;
	struct lpos		 p_env_file;
	struct lpos		 p_port;
	struct lpos		 p_instances;
	struct lpos		 p_ready;
	struct lpos		 p_health;
	struct lpos		 p_health_target;
	struct lpos		 p_health_service;
	struct lpos		 p_backoff;
	struct lpos		 p_restart_limit;
	struct lpos		*env_pos;	/* parallel to svc->env */
	struct lpos		*dep_pos;	/* parallel to depends_on */
	uid_t			 user_uid;	/* resolved user: */
	gid_t			 user_gid;	/* and its primary group */
	gid_t			 group_gid;	/* resolved group: */
	int			 user_ok;
	int			 group_ok;
	int			 health_seen;
	int			 window_set;
};

/* An error waiting to be sorted. */
struct cerr {
	size_t			 fidx;		/* file, in the order read */
	size_t			 line;
	size_t			 col;
	size_t			 seq;
	char			*msg;		/* "FILE:LINE:COL: message" */
};

RB_HEAD(cfg_sptree, svc_parse);

struct cfg {
	struct vigil_conf	*conf;
	struct conf_errors	*errs;
	int			 flags;
	int			 quiet;		/* re-applying defaults */
	yaml_document_t		*doc;		/* current document */
	const char		*file;		/* current file (pool) */
	const char		*dir;		/* its directory (pool) */
	char			**pool;		/* strings kept for the load */
	size_t			 npool;
	struct svc_parse	**sp;		/* one per service, in order */
	size_t			 nsp;
	struct cfg_sptree	 byname;	/* the same, by name: O(log N)
						   at 10,000 services */
	struct cerr		*cerrs;
	size_t			 ncerrs;
	const char		**forder;	/* files in order of errors */
	size_t			 nforder;
	yaml_document_t		 maindoc;
	int			 have_maindoc;
	yaml_node_t		*defaults;	/* in maindoc, or NULL */
	const char		*defaults_file;
	const char		*defaults_dir;
};

/* config_parse.c */
int		 config_var_at(const char *, const char **, size_t *,
		    const char **);

/* config_yaml.c */
int		 cfg_spcmp(struct svc_parse *, struct svc_parse *);
RB_PROTOTYPE(cfg_sptree, svc_parse, byname, cfg_spcmp);
struct svc_parse *cfg_sp_find(struct cfg *, const char *);
const char	*cfg_intern(struct cfg *, const char *);
struct lpos	 cfg_pos(struct cfg *, const yaml_node_t *);
size_t		 cfg_file(struct cfg *, const char *);
void		 cfg_raw(struct cfg *, const char *, size_t, size_t, char *);
void		 cfg_flush(struct cfg *);
void		 cfg_err(struct cfg *, const yaml_node_t *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
void		 cfg_errp(struct cfg *, const struct lpos *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
int		 cfg_is_null(const yaml_node_t *);
const char	*cfg_scalar(const yaml_node_t *);
int		 cfg_str(struct cfg *, yaml_node_t *, const char *,
		    const char *, char **);
int		 cfg_bool(struct cfg *, yaml_node_t *, const char *,
		    const char *, int *);
int		 cfg_num(struct cfg *, yaml_node_t *, const char *,
		    const char *, long long, long long, long long *);
int		 cfg_duration(struct cfg *, yaml_node_t *, const char *,
		    const char *, uint64_t *);
int		 cfg_size(struct cfg *, yaml_node_t *, const char *,
		    const char *, uint64_t *);
int		 cfg_signal(struct cfg *, yaml_node_t *, const char *,
		    const char *, int *);
int		 cfg_percent(struct cfg *, yaml_node_t *, const char *,
		    const char *, long long, long long, unsigned int *);
int		 cfg_mapping(struct cfg *, yaml_node_t *, const char *,
		    const char *);
int		 cfg_dupkey(struct cfg *, yaml_node_t *, yaml_node_pair_t *,
		    const char *, const char *);
int		 cfg_hostport(const char *, char **, char **);
char		*cfg_path(struct cfg *, const char *, const char *);

/* A key of a service mapping (config_svc.c, config_nested.c). */
enum ktype {
	K_BOOL,
	K_UINT,
	K_INT,
	K_DURATION,
	K_SIZE,
	K_SIGNAL,
	K_FN
};

typedef void (*key_fn)(struct cfg *, struct svc_parse *, yaml_node_t *,
    const char *, const char *);

struct key {
	const char	*name;
	enum ktype	 type;
	size_t		 off;		/* in struct svc_conf */
	long long	 min;
	long long	 max;
	key_fn		 fn;		/* K_FN */
};

#define FIELD(f)	offsetof(struct svc_conf, f)
#define FIELDP(sp, k, t) ((t *)((char *)(sp)->svc + (k)->off))

/* config_svc.c */
void		 svc_apply(struct cfg *, struct svc_parse *, yaml_node_t *,
		    const char *);
void		 apply_map(struct cfg *, struct svc_parse *, yaml_node_t *,
		    const struct key *, size_t, const char *, const char *);
yaml_node_t	**items(struct cfg *, yaml_node_t *, size_t *);
int		 strlist(struct cfg *, yaml_node_t *, const char *,
		    const char *, char ***, size_t *);

/* config_nested.c */
void		 k_ready(struct cfg *, struct svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 k_health(struct cfg *, struct svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 k_limits(struct cfg *, struct svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 k_watch(struct cfg *, struct svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 k_log(struct cfg *, struct svc_parse *, yaml_node_t *,
		    const char *, const char *);
struct svc_parse *svc_parse_new(struct cfg *, const char *);
void		 svc_parse_free(struct svc_parse *);

/* config_check.c */
void		 svc_finish(struct cfg *, struct svc_parse *);
void		 svc_check_deps(struct cfg *);
void		 cfg_check_vars(struct cfg *, const struct svc_parse *,
		    const char *, const struct lpos *, const char *);

/* config.c */
void		 svc_conf_init(struct svc_conf *);
void		 svc_conf_free(struct svc_conf *);
void		 conf_env_set(struct conf_env **, size_t *, const char *,
		    const char *, size_t *);
int		 conf_valid_name(const char *);
int		 conf_valid_envname(const char *, size_t);

#endif /* VIGIL_CONFIG_INT_H */
