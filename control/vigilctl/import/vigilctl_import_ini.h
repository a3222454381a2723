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
 * Private to vigilctl_import_ini.c (the reader) and vigilctl_import_sup.c
 * (the supervisord mapping).
 */

#ifndef VIGILCTL_IMPORT_INI_H
#define VIGILCTL_IMPORT_INI_H

#include <sys/queue.h>

struct imp_ctx;
struct imp_node;

struct ini_file {
	TAILQ_ENTRY(ini_file)	 entry;
	char			*path;		/* as shown in messages */
	char			*abs;
	char			*here;		/* %(here)s: its directory */
};

struct ini_kv {
	TAILQ_ENTRY(ini_kv)	 entry;
	char			*key;		/* lower case */
	char			*val;		/* lines joined with '\n' */
	struct ini_file		*file;
	size_t			 line;
	int			 used;		/* looked up by the mapping */
};

struct ini_sec {
	TAILQ_ENTRY(ini_sec)	 entry;
	char			*name;		/* "program:web" */
	struct ini_file		*file;		/* where first seen */
	size_t			 line;
	TAILQ_HEAD(, ini_kv)	 kvs;
};

struct ini {
	struct imp_ctx		*ctx;
	TAILQ_HEAD(, ini_sec)	 secs;		/* in order of appearance */
	TAILQ_HEAD(, ini_file)	 files;
	char			 hostname[256];
};

/* What %(name)s expands to in one value. */
struct ini_exp {
	const char		*program;	/* NULL outside [program:x] */
	const char		*group;
	int			 numprocs;
	int			 numprocs_start;
	int			 vigil;		/* the field is expanded by
						   vigild: defer ENV_X and
						   process_num (numprocs > 1) */
	struct imp_node		*notes;		/* where to note a loss */
	int			*used_num;	/* set when process_num was
						   deferred to ${INSTANCE} or
						   ${PORT} */
};

int		 ini_load(struct ini *, struct imp_ctx *, const char *);
void		 ini_free(struct ini *);
struct ini_kv	*ini_kv(struct ini *, struct ini_sec *, const char *);
char		*ini_expand(struct ini *, const struct ini_kv *,
		    const struct ini_exp *);
char		*ini_vigil(const char *);

#endif /* VIGILCTL_IMPORT_INI_H */
