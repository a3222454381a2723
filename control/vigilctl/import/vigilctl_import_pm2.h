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
 * Private to vigilctl_import_pm2.c (the mapping), vigilctl_import_pm2run.c
 * (how an app runs) and vigilctl_import_pm2y.c (reading the YAML or JSON
 * file).
 */

#ifndef VIGILCTL_IMPORT_PM2_H
#define VIGILCTL_IMPORT_PM2_H

#include <stdint.h>
#include <yaml.h>

#define PM2_KILL_TIMEOUT_MS	1600
#define PM2_MAX_RESTARTS	16
#define PM2_EXP_BACKOFF_MAX_MS	15000

struct imp_ctx;
struct imp_node;

struct pm2 {
	struct imp_ctx		*ctx;
	yaml_document_t		 doc;
	const char		*file;
	char			*dir;		/* the file's, absolute */
};

/* One app mapping and which of its keys the mapping used. */
struct app {
	struct pm2		*p;
	yaml_node_t		*node;
	int			*used;
	size_t			 npairs;
	struct imp_node		*svc;
};

int		 pm2_load(struct pm2 *);
const char	*pm2_scalar(const yaml_node_t *);
int		 pm2_is_null(const yaml_node_t *);
size_t		 pm2_line(const yaml_node_t *);
size_t		 pm2_col(const yaml_node_t *);
char		*pm2_flow(struct pm2 *, yaml_node_t *, int);
void		 pm2_fix_surrogates(char *);
yaml_node_t	*app_get(struct app *, const char *);
yaml_node_t	*app_get2(struct app *, const char *const *);
const char	*app_str(struct app *, const char *const *, const char *,
		    yaml_node_t **);
int		 app_bool(struct app *, yaml_node_t *, const char *, int *);
int		 app_ms(struct app *, yaml_node_t *, const char *, uint64_t *,
		    int);
int		 app_words(struct app *, yaml_node_t *, const char *,
		    struct imp_node *);
void		 app_env(struct app *, yaml_node_t *, const char *,
		    struct imp_node *);

/* vigilctl_import_pm2run.c */
int		 app_command(struct app *, const char *, const char *,
		    struct imp_node *);
void		 app_log(struct app *);
void		 app_watch(struct app *, const char *);
void		 app_restart(struct app *);

#endif /* VIGILCTL_IMPORT_PM2_H */
