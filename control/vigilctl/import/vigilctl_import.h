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
 * `vigilctl import` and `vigilctl export`: conversions between vigild.conf
 * and the configurations of other supervisors.  Nothing here talks to
 * vigild.
 */

#ifndef VIGILCTL_IMPORT_H
#define VIGILCTL_IMPORT_H

#include <stdint.h>
#include <stdio.h>

/*
 * vigilctl import [--env NAME] FILE: argv[0] is "import".  Prints a
 * vigild.conf on stdout.  Returns the exit code: 0 ok, 1 failure (the
 * reason on stderr, naming the file and line), 2 usage.
 */
int	vigilctl_import(int, char *[]);

/*
 * vigilctl export systemd TARGET ...: argv[0] is "export".  Loads
 * config_path (NULL: the default configuration file) and prints one
 * systemd unit per matching service.  Same exit codes, and 5 when a target
 * matches no service.
 */
int	vigilctl_export(int, char *[], const char *);

/*
 * Private to the files of control/vigilctl/import/: the output tree and the state of
 * one import.
 */

struct imp_node;

struct imp_ctx {
	const char		*path;		/* FILE as given */
	const char		*envname;	/* --env NAME, or NULL */
	int			 nerr;		/* errors printed so far */
	struct imp_node		*root;
	struct imp_node		*defaults;	/* root "defaults" */
	struct imp_node		*services;	/* root "services" */
};

/* vigilctl_import_out.c: the tree, printed as YAML in insertion order. */
struct imp_node	*imp_root(void);
void		 imp_free(struct imp_node *);
void		 imp_print(FILE *, struct imp_node *);
int		 imp_exists(struct imp_node *, const char *);
struct imp_node	*imp_map(struct imp_node *, const char *);
void		 imp_str(struct imp_node *, const char *, const char *);
void		 imp_raw(struct imp_node *, const char *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
struct imp_node	*imp_list(struct imp_node *, const char *);
void		 imp_item(struct imp_node *, const char *, int);
void		 imp_note(struct imp_node *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
const char	*imp_get(struct imp_node *, const char *);
void		 imp_del(struct imp_node *, const char *);
size_t		 imp_count(struct imp_node *);
const char	*imp_name(struct imp_node *);

/* vigilctl_import.c: helpers. */
void		 imp_err(struct imp_ctx *, const char *, size_t, size_t,
		    const char *, ...)
		    __attribute__((__format__ (printf, 5, 6)));
struct imp_node	*imp_service(struct imp_ctx *, const char *, const char *,
		    size_t);
char		*imp_dollar(const char *);
const char	*imp_dur(uint64_t);
const char	*imp_size(uint64_t);
long		 imp_ncpu(void);
char		*imp_strdup(const char *);
char		*imp_printf(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
char		*imp_dirname(const char *);
char		*imp_abspath(const char *);
char		*imp_join(const char *, const char *);

/* vigilctl_import_sup.c: supervisord .conf/.ini */
int		 imp_supervisord(struct imp_ctx *);

/* vigilctl_import_pm2.c: PM2 ecosystem JSON/YAML */
int		 imp_pm2(struct imp_ctx *);

#endif /* VIGILCTL_IMPORT_H */
