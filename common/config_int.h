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
struct config_lpos {
	const char		*file;
	size_t			 line;
	size_t			 col;
};

/* What the loader remembers about a service beyond struct config_svc. */
struct config_svc_parse {
	struct config_svc	*svc;
	RB_ENTRY(config_svc_parse)	 byname;	/* config_sp_find() */
	size_t			 idx;		/* in ctx->sp */
	struct config_lpos	 p_name;
	struct config_lpos	 p_command;
	struct config_lpos	 p_shell;
	struct config_lpos	 p_user;
	struct config_lpos	 p_group;
	struct config_lpos	 p_directory;
	struct config_lpos	 p_env_file;
	struct config_lpos	 p_port;
	struct config_lpos	 p_instances;
	struct config_lpos	 p_ready;
	struct config_lpos	 p_health;
	struct config_lpos	 p_health_target;
	struct config_lpos	 p_health_service;
	struct config_lpos	 p_backoff;
	struct config_lpos	 p_restart_limit;
	struct config_lpos	*env_pos;	/* parallel to svc->env */
	struct config_lpos	*dep_pos;	/* parallel to depends_on */
	uid_t			 user_uid;	/* resolved user: */
	gid_t			 user_gid;	/* and its primary group */
	gid_t			 group_gid;	/* resolved group: */
	int			 user_ok;
	int			 group_ok;
	int			 health_seen;
	int			 window_set;
};

/* An error waiting to be sorted. */
struct config_cerr {
	size_t			 fidx;		/* file, in the order read */
	size_t			 line;
	size_t			 col;
	size_t			 seq;
	char			*msg;		/* "FILE:LINE:COL: message" */
};

struct config_arena_chunk;

/* Memory freed all at once: a document's scalars, items and pairs. */
struct config_arena {
	struct config_arena_chunk *chunks;
	char			*cur;
	size_t			 left;
};

RB_HEAD(config_sptree, config_svc_parse);

struct config_ctx {
	struct vigil_conf	*conf;
	struct config_errors	*errs;
	int			 flags;
	int			 quiet;		/* re-applying defaults */
	yaml_document_t		*doc;		/* current document */
	const char		*file;		/* current file (pool) */
	char			*pos_file;	/* conf->files' copy of the
						   last file a service was in */
	const char		*dir;		/* its directory (pool) */
	char			**pool;		/* strings kept for the load */
	size_t			 npool;
	struct config_svc_parse	**sp;		/* one per service, in order */
	size_t			 nsp;
	size_t			 maxsp;
	struct config_sptree	 byname;	/* the same, by name: O(log N)
						   at 10,000 services */
	struct config_cerr	*cerrs;
	size_t			 ncerrs;
	const char		**forder;	/* files in order of errors */
	size_t			 nforder;
	yaml_document_t		 maindoc;
	struct config_arena	 mainarena;	/* maindoc's */
	int			 have_maindoc;
	yaml_node_t		*defaults;	/* in maindoc, or NULL */
	const char		*defaults_file;
	const char		*defaults_dir;
};

/* config_compose.c: a resumable yaml_parser_load() */
#define CONFIG_CC_MORE		0
#define CONFIG_CC_DONE		1
#define CONFIG_CC_ERROR		(-1)

struct config_cc_anchor;
struct config_cc_open;
struct config_compose {
	yaml_parser_t		 parser;	/* its error, on ERROR */
	yaml_document_t		*doc;		/* the caller's, once DONE */
	struct config_arena	*arena;		/* doc's, the caller's too */
	yaml_document_t		 extra;		/* a second document */
	struct config_arena	 extra_arena;
	size_t			 len;		/* of the input */
	int			 ndocs;		/* documents begun */
	int			 state;
	struct config_cc_open	*open;		/* collections not closed */
	size_t			 nopen;
	size_t			 maxopen;
	int			*kids;		/* their children so far */
	size_t			 nkids;
	size_t			 maxkids;
	struct config_cc_anchor	*anchors;
	size_t			 nanchors;
};

void		*config_arena_alloc(struct config_arena *, size_t);
void		 config_arena_free(struct config_arena *);
void		 config_doc_free(yaml_document_t *, struct config_arena *);
void		 config_compose_init(struct config_compose *, const void *,
		    size_t, yaml_document_t *, struct config_arena *);
int		 config_compose_step(struct config_compose *,
		    int (*)(void *), void *, unsigned int);
yaml_node_t	*config_compose_extra(struct config_compose *);
void		 config_compose_free(struct config_compose *);

/* config_parse.c */
int		 config_var_at(const char *, const char **, size_t *,
		    const char **);

/* config_yaml.c */
#define CONFIG_INCLUDE_MAX	64
const char	*config_dir_of(struct config_ctx *, const char *);
char		*config_read_file(struct config_ctx *, const char *,
		    const char *, size_t *);
void		 config_add_file(struct config_ctx *, const char *);
void		 config_yaml_error(struct config_ctx *,
		    struct config_compose *);
yaml_node_t	*config_main_root(struct config_ctx *, yaml_node_t *,
		    yaml_node_t **, size_t *);
yaml_node_t	*config_include_root(struct config_ctx *, yaml_node_t *);
int		 config_services_ok(struct config_ctx *, yaml_node_t *);
void		 config_service_load(struct config_ctx *, yaml_node_pair_t *);
int		 config_spcmp(struct config_svc_parse *,
		    struct config_svc_parse *);
RB_PROTOTYPE(config_sptree, config_svc_parse, byname, config_spcmp);
struct config_svc_parse *config_sp_find(struct config_ctx *, const char *);
const char	*config_intern(struct config_ctx *, const char *);
struct config_lpos	 config_node_pos(struct config_ctx *,
		    const yaml_node_t *);
size_t		 config_file_index(struct config_ctx *, const char *);
void		 config_raw(struct config_ctx *, const char *, size_t, size_t,
		    char *);
void		 config_flush(struct config_ctx *);
void		 config_err(struct config_ctx *, const yaml_node_t *,
		    const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
void		 config_errp(struct config_ctx *, const struct config_lpos *,
		    const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
int		 config_is_null(const yaml_node_t *);
const char	*config_scalar(const yaml_node_t *);
int		 config_str(struct config_ctx *, yaml_node_t *, const char *,
		    const char *, char **);
int		 config_bool(struct config_ctx *, yaml_node_t *, const char *,
		    const char *, int *);
int		 config_num(struct config_ctx *, yaml_node_t *, const char *,
		    const char *, long long, long long, long long *);
int		 config_duration(struct config_ctx *, yaml_node_t *,
		    const char *, const char *, uint64_t *);
int		 config_size(struct config_ctx *, yaml_node_t *, const char *,
		    const char *, uint64_t *);
int		 config_signal(struct config_ctx *, yaml_node_t *, const char *,
		    const char *, int *);
int		 config_percent(struct config_ctx *, yaml_node_t *,
		    const char *, const char *, long long, long long,
		    unsigned int *);
int		 config_mapping(struct config_ctx *, yaml_node_t *,
		    const char *, const char *);
int		 config_dupkey(struct config_ctx *, yaml_node_t *,
		    yaml_node_pair_t *, const char *, const char *);
int		 config_hostport(const char *, char **, char **);
int		 config_bind_host_ok(const char *);
char		*config_relpath(struct config_ctx *, const char *,
		    const char *);
yaml_node_t	**config_items(struct config_ctx *, yaml_node_t *, size_t *);
int		 config_strlist(struct config_ctx *, yaml_node_t *,
		    const char *, const char *, char ***, size_t *);

/* A key of a service mapping (config_svc.c, config_nested.c). */
enum config_ktype {
	K_BOOL,
	K_UINT,
	K_INT,
	K_DURATION,
	K_SIZE,
	K_SIGNAL,
	K_FN
};

typedef void (*config_key_fn)(struct config_ctx *, struct config_svc_parse *,
    yaml_node_t *, const char *, const char *);

struct config_key {
	const char		*name;
	enum config_ktype	 type;
	size_t			 off;		/* in struct config_svc */
	long long		 min;
	long long		 max;
	config_key_fn		 fn;		/* K_FN */
};

#define FIELD(f)	offsetof(struct config_svc, f)
#define FIELDP(sp, k, t) ((t *)((char *)(sp)->svc + (k)->off))

/* config_svc.c */
void		 config_svc_apply(struct config_ctx *,
		    struct config_svc_parse *, yaml_node_t *, const char *);
void		 config_apply_map(struct config_ctx *,
		    struct config_svc_parse *, yaml_node_t *,
		    const struct config_key *, size_t, const char *,
		    const char *);

/* config_nested.c */
void		 config_key_ready(struct config_ctx *,
		    struct config_svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 config_key_health(struct config_ctx *,
		    struct config_svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 config_key_limits(struct config_ctx *,
		    struct config_svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 config_key_watch(struct config_ctx *,
		    struct config_svc_parse *, yaml_node_t *,
		    const char *, const char *);
void		 config_key_log(struct config_ctx *, struct config_svc_parse *,
		    yaml_node_t *, const char *, const char *);
struct config_svc_parse *config_svc_parse_new(struct config_ctx *,
		    const char *);
void		 config_svc_parse_free(struct config_svc_parse *);

/* config_check.c */
void		 config_svc_finish(struct config_ctx *,
		    struct config_svc_parse *);
void		 config_svc_check_deps(struct config_ctx *);
void		 config_check_vars(struct config_ctx *,
		    const struct config_svc_parse *,
		    const char *, const struct config_lpos *, const char *);

/* config.c */
void		 config_svc_init(struct config_svc *);
void		 config_svc_free(struct config_svc *);
void		 config_env_set(struct config_env **, size_t *, const char *,
		    const char *, size_t *);
int		 config_valid_name(const char *);
int		 config_valid_envname(const char *, size_t);

/* config_strs.c */
void		 config_svc_share(struct vigil_conf *, struct config_svc *);
void		 config_strs_free(struct config_strs *);

#endif /* VIGIL_CONFIG_INT_H */
