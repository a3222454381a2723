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
 * The load in slices (common/config_load.c, config_compose.c): the
 * composer gives the document and the errors libyaml's
 * yaml_parser_load() gives, one event per call; a load stopped after
 * every step gives the configuration and the errors (file:line) of the
 * load in one go, for every file of regress/config and a few more.
 * Run from the top of the tree (regress/run.sh does).
 */

#include <sys/types.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "unit.h"

static int
always_busy(void *arg)
{
	(*(unsigned int *)arg)++;
	return (1);
}

static int
mark_eq(const yaml_mark_t *a, const yaml_mark_t *b)
{
	return (a->index == b->index && a->line == b->line &&
	    a->column == b->column);
}

/* Same nodes, values, styles, children and marks (tags aside). */
static int
doc_eq(yaml_document_t *a, yaml_document_t *b, const char *what)
{
	yaml_node_t	*x, *y;
	size_t		 n, i;

	n = a->nodes.top - a->nodes.start;
	if (n != (size_t)(b->nodes.top - b->nodes.start)) {
		check(0, "%s: %zu nodes, libyaml %zu", what, n,
		    (size_t)(b->nodes.top - b->nodes.start));
		return (0);
	}
	for (i = 0; i < n; i++) {
		x = &a->nodes.start[i];
		y = &b->nodes.start[i];
		if (x->type != y->type || !mark_eq(&x->start_mark,
		    &y->start_mark) || !mark_eq(&x->end_mark, &y->end_mark))
			goto bad;
		switch (x->type) {
		case YAML_SCALAR_NODE:
			if (x->data.scalar.length != y->data.scalar.length ||
			    x->data.scalar.style != y->data.scalar.style ||
			    memcmp(x->data.scalar.value, y->data.scalar.value,
			    x->data.scalar.length) != 0)
				goto bad;
			break;
		case YAML_SEQUENCE_NODE:
			if (x->data.sequence.items.top -
			    x->data.sequence.items.start !=
			    y->data.sequence.items.top -
			    y->data.sequence.items.start ||
			    x->data.sequence.style != y->data.sequence.style ||
			    (x->data.sequence.items.top !=
			    x->data.sequence.items.start &&
			    memcmp(x->data.sequence.items.start,
			    y->data.sequence.items.start,
			    (x->data.sequence.items.top -
			    x->data.sequence.items.start) *
			    sizeof(yaml_node_item_t)) != 0))
				goto bad;
			break;
		case YAML_MAPPING_NODE:
			if (x->data.mapping.pairs.top -
			    x->data.mapping.pairs.start !=
			    y->data.mapping.pairs.top -
			    y->data.mapping.pairs.start ||
			    x->data.mapping.style != y->data.mapping.style ||
			    (x->data.mapping.pairs.top !=
			    x->data.mapping.pairs.start &&
			    memcmp(x->data.mapping.pairs.start,
			    y->data.mapping.pairs.start,
			    (x->data.mapping.pairs.top -
			    x->data.mapping.pairs.start) *
			    sizeof(yaml_node_pair_t)) != 0))
				goto bad;
			break;
		default:
			goto bad;
		}
	}
	return (1);
 bad:
	check(0, "%s: node %zu differs from libyaml's", what, i + 1);
	return (0);
}

static int
err_eq(yaml_parser_t *a, yaml_parser_t *b)
{
	if (a->error != b->error || a->problem_offset != b->problem_offset)
		return (0);
	if ((a->problem == NULL) != (b->problem == NULL) ||
	    (a->problem != NULL && strcmp(a->problem, b->problem) != 0))
		return (0);
	if ((a->context == NULL) != (b->context == NULL) ||
	    (a->context != NULL && strcmp(a->context, b->context) != 0))
		return (0);
	if (a->error == YAML_READER_ERROR)
		return (1);
	return (mark_eq(&a->problem_mark, &b->problem_mark) &&
	    (a->context == NULL ||
	    mark_eq(&a->context_mark, &b->context_mark)));
}

/*
 * The composer, one event a call, against yaml_parser_load as the
 * loader used it: the document, then a second one to refuse.
 */
static void
compose_vs_libyaml(const char *what, const char *text)
{
	struct config_compose	 cc;
	yaml_document_t		 doc, ldoc, lextra;
	struct config_arena	 arena;
	yaml_parser_t		 lp;
	unsigned int		 calls = 0, nbusy = 0;
	int			 r, lr, lr2 = 1, lextra_root = 0, ok;
	size_t			 len = strlen(text);

	config_compose_init(&cc, text, len, &doc, &arena);
	while ((r = config_compose_step(&cc, always_busy, &nbusy, 1)) ==
	    CONFIG_CC_MORE)
		calls++;

	yaml_parser_initialize(&lp);
	yaml_parser_set_input_string(&lp, (const unsigned char *)text, len);
	lr = yaml_parser_load(&lp, &ldoc);
	if (lr && yaml_document_get_root_node(&ldoc) != NULL) {
		lr2 = yaml_parser_load(&lp, &lextra);
		if (lr2) {
			lextra_root =
			    yaml_document_get_root_node(&lextra) != NULL;
			yaml_document_delete(&lextra);
		}
	}

	if (!lr || !lr2) {
		ok = r == CONFIG_CC_ERROR && err_eq(&cc.parser, &lp);
		check(ok, "%s: the error libyaml gives (%s, line %zu)", what,
		    cc.parser.problem ? cc.parser.problem : "?",
		    cc.parser.problem_mark.line + 1);
	} else {
		ok = r == CONFIG_CC_DONE;
		check(ok, "%s: composed in %u slices", what, calls + 1);
		if (ok && doc_eq(&doc, &ldoc, what))
			check(1, "%s: the document libyaml gives", what);
		check((config_compose_extra(&cc) != NULL) == lextra_root,
		    "%s: a second document seen as libyaml sees it", what);
		if (ok)
			config_doc_free(&doc, &arena);
	}
	if (lr)
		yaml_document_delete(&ldoc);
	config_compose_free(&cc);
	yaml_parser_delete(&lp);
}

static char *
printed(struct vigil_conf *c)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	config_print(c, f);
	fclose(f);
	return (buf);
}

/* The load stopped after every step against the load in one go. */
static void
sliced_vs_oneshot(const char *path, int flags)
{
	struct config_errors	 e1, e2;
	struct config_loader	*l;
	struct vigil_conf	*c1, *c2;
	unsigned int		 steps = 0, nbusy = 0;
	size_t			 i;
	int			 same;
	char			*p1, *p2;

	config_errors_init(&e1);
	config_errors_init(&e2);
	c1 = config_load(path, flags, &e1);
	l = config_load_begin(path, flags, &e2);
	config_load_every(l, 1);
	while (!config_load_step(l, always_busy, &nbusy))
		steps++;
	c2 = config_load_end(l);
	same = e1.nerrs == e2.nerrs;
	for (i = 0; same && i < e1.nerrs; i++)
		same = strcmp(e1.errs[i], e2.errs[i]) == 0;
	check(same && (c1 == NULL) == (c2 == NULL), "%s: %zu error%s and "
	    "%s, as in one go (%u slices)", path, e2.nerrs,
	    e2.nerrs == 1 ? "" : "s", c2 != NULL ? "loaded" : "refused",
	    steps + 1);
	if (c1 != NULL && c2 != NULL) {
		p1 = printed(c1);
		p2 = printed(c2);
		check(strcmp(p1, p2) == 0 && c1->nservices == c2->nservices,
		    "%s: the same %zu services and settings", path,
		    c2->nservices);
		free(p1);
		free(p2);
	}
	config_free(c1);
	config_free(c2);
	config_errors_free(&e1);
	config_errors_free(&e2);
}

/* A load given up halfway keeps nothing (ASan would say). */
static void
abandoned(const char *path)
{
	struct config_errors	 e;
	struct config_loader	*l;
	unsigned int		 nbusy = 0, i;

	for (i = 1; i < 40; i += 7) {
		config_errors_init(&e);
		l = config_load_begin(path, CONFIG_NO_RESOLVE, &e);
		config_load_every(l, 1);
		nbusy = 0;
		while (nbusy < i && !config_load_step(l, always_busy, &nbusy))
			;
		check(config_load_end(l) == NULL || nbusy < i,
		    "%s: given up after %u steps, nothing given", path, i);
		config_errors_free(&e);
	}
}

static const struct {
	const char	*what;
	const char	*text;
} yamls[] = {
	{ "empty", "" },
	{ "a comment only", "# nothing\n" },
	{ "a scalar", "hello\n" },
	{ "block mapping", "a: 1\nb:\n  c: [x, 'y', \"z\"]\n  d: |\n    t\n" },
	{ "flow", "{a: {b: [1, 2, {c: d}]}, e: ~, f: null}\n" },
	{ "empty values", "a:\nb: []\nc: {}\n? d\n" },
	{ "anchors and aliases", "x: &A {k: v}\ny: *A\nz: &B [1, *A]\n"
	    "w: *B\n" },
	{ "an anchor reused after its document", "--- &A a\n--- *A\n" },
	{ "two documents", "a: 1\n---\nb: 2\n" },
	{ "an empty second document", "a: 1\n---\n" },
	{ "explicit end", "--- a\n...\n" },
	{ "tags", "!!str a: !custom b\n%TAG ! tag:x,2000:\n" },
	{ "bad indentation", "services:\n  web:\n    command: x\n"
	    "   broken: [\n" },
	{ "undefined alias", "a: *nope\n" },
	{ "duplicate anchor", "a: &A 1\nb: &A 2\n" },
	{ "undefined alias in the second document", "a: 1\n---\nb: *X\n" },
	{ "syntax error in the second document", "a: 1\n---\nb: [\n" },
	{ "invalid UTF-8", "a: \xff\xfe\n" },
	{ "a tab", "a:\n\tb: 1\n" },
	{ "unclosed quote", "a: 'b\n" },
	{ "deep", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[a]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]\n" },
};

static const char big_head[] =
    "defaults:\n"
    "  restart: always\n"
    "services:\n";

int
main(void)
{
	glob_t		 g;
	FILE		*f;
	size_t		 i;
	char		 tmpl[] = "/tmp/vigil-slices.XXXXXX", path[64];

	for (i = 0; i < sizeof(yamls) / sizeof(yamls[0]); i++)
		compose_vs_libyaml(yamls[i].what, yamls[i].text);

	if (glob("regress/config/*.conf", 0, NULL, &g) != 0 ||
	    g.gl_pathc == 0) {
		check(0, "regress/config/*.conf: run from the top");
		return (1);
	}
	for (i = 0; i < g.gl_pathc; i++) {
		sliced_vs_oneshot(g.gl_pathv[i], CONFIG_NO_RESOLVE);
		sliced_vs_oneshot(g.gl_pathv[i],
		    CONFIG_NO_RESOLVE | CONFIG_NO_INCLUDE);
	}
	abandoned("regress/config/good-full.conf");
	abandoned("regress/config/bad-include.conf");
	globfree(&g);

	/* 300 services, a duplicate and a bad key among them. */
	if (mkdtemp(tmpl) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/big.conf", tmpl);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs(big_head, f);
	for (i = 0; i < 300; i++)
		fprintf(f, "  s%03zu:\n    command: [/bin/sleep, \"%zu\"]\n"
		    "    environment: { A: b }\n", i, i);
	fclose(f);
	sliced_vs_oneshot(path, CONFIG_NO_RESOLVE);
	if ((f = fopen(path, "a")) == NULL)
		abort();
	fputs("  s007:\n    command: x\n  t:\n    comand: y\n", f);
	fclose(f);
	sliced_vs_oneshot(path, CONFIG_NO_RESOLVE);
	unlink(path);
	rmdir(tmpl);
	return (nfail != 0);
}
