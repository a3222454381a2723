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

#ifndef UNIT_CONFIG_H
#define UNIT_CONFIG_H

/*
 * Helpers shared by the configuration loader's unit tests
 * (unit_config.c): each runs in a temporary directory of its own.
 */

#include "config.h"
#include "unit.h"

extern char	 tmpdir[];	/* "@" in subst() and load_bad() */

void		 unit_config_begin(const char *);	/* mkdtemp, cd */
int		 unit_config_end(void);		/* rm -rf; main's exit */
void		 write_file(const char *, const char *);
char		*subst(const char *);
char		*joined(const struct config_errors *);
struct vigil_conf *load_ok(const char *, const char *, const char *, int);
void		 load_bad(const char *, const char *, int, const char *);
int		 argv_is(char **, size_t, const char *);
const char	*env_of(const struct config_svc *, const char *);

#endif /* UNIT_CONFIG_H */
