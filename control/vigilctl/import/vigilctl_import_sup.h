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
 * Private to vigilctl_import_sup.c (programs) and vigilctl_import_supsec.c
 * (the other sections and the helpers both use).
 */

#ifndef VIGILCTL_IMPORT_SUP_H
#define VIGILCTL_IMPORT_SUP_H

#include <stdint.h>

#include "vigilctl_import_ini.h"

/* supervisord's own defaults, where vigil's differ. */
#define SUP_LOG_MAXBYTES	(50ULL * 1024 * 1024)
#define SUP_LOG_BACKUPS		10

struct envpair {
	char	*name;
	char	*value;			/* ready for vigild: ${...} */
};

struct sup {
	struct ini		 ini;
	struct imp_ctx		*ctx;
	struct imp_node		*notes;		/* top-level comments */
	struct envpair		*genv;		/* [supervisord] environment */
	size_t			 ngenv;
};

char		*sup_oneline(const char *);
void		 sup_unsupported(struct sup *, struct imp_node *,
		    struct ini_sec *, const char *);
char		*sup_get(struct sup *, struct ini_sec *, const char *,
		    const struct ini_exp *, struct ini_kv **);
int		 sup_bool(struct sup *, struct ini_kv *, const char *, int *);
int		 sup_int(struct sup *, struct ini_kv *, const char *, long long,
		    long long, long long *);
int		 sup_bytes(struct sup *, struct ini_kv *, const char *,
		    uint64_t *);
int		 sup_env(struct sup *, struct ini_kv *, const char *,
		    struct envpair **, size_t *);
void		 sup_env_free(struct envpair *, size_t);
int		 sup_main(struct sup *, struct ini_sec *);
int		 sup_unix(struct sup *, struct ini_sec *);
int		 sup_inet(struct sup *, struct ini_sec *);
int		 sup_groups(struct sup *);
const char	*sup_group_of(struct sup *, const char *, struct ini_sec **);

#endif /* VIGILCTL_IMPORT_SUP_H */
