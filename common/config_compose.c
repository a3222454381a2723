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
 * A resumable yaml_parser_load(): builds the same yaml_document_t from
 * libyaml's pull events (yaml_parser_parse), a few events at a time, so
 * that the parent can parse 3 MB of YAML in slices and answer its
 * clients in between.  The nodes, items, pairs, anchors and aliases,
 * and the errors (libyaml's own wording and marks), are those of
 * yaml_parser_load(); regress/unit/test_config_compose.c compares the
 * two.  The one difference: a node without a tag keeps none (the
 * loader never reads tags), which spares a copy of the default tag per
 * node.
 *
 * The document's node array is malloc'd (indexed as libyaml's is); its
 * scalars, items and pairs are copied into an arena of large chunks, so
 * that dropping a document of 200,000 nodes frees a few hundred blocks,
 * not 200,000 scattered ones (config_doc_free(), never
 * yaml_document_delete()).  The children of the collections still open
 * wait on one stack and go into the arena at the collection's end, in
 * one piece.
 *
 * After the first document it reads the second one too, only to say
 * whether there is one (the loader allows one), as the loader did with
 * a second yaml_parser_load().
 */

#include <sys/types.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "log.h"

enum {
	CC_STREAM,	/* before STREAM-START */
	CC_BETWEEN,	/* before a document, or STREAM-END */
	CC_BODY,	/* in a document */
	CC_DONE,
	CC_ERROR
};

struct config_cc_anchor {
	char			*name;
	int			 index;
	yaml_mark_t		 mark;
};

/* A collection not closed yet: its node, its first child on kids. */
struct config_cc_open {
	int			 index;
	size_t			 base;
};

#define CC_CHUNK	(64 * 1024)

struct config_arena_chunk {
	struct config_arena_chunk	*next;
	/* the bytes follow */
};

/* size bytes, 8-aligned, until config_arena_free(). */
void *
config_arena_alloc(struct config_arena *a, size_t size)
{
	struct config_arena_chunk	*c;
	size_t				 want, hdr;
	void				*p;

	hdr = (sizeof(*c) + 7) & ~(size_t)7;
	size = (size + 7) & ~(size_t)7;
	if (size > a->left) {
		want = size > CC_CHUNK / 4 ? size : CC_CHUNK;
		if ((c = malloc(hdr + want)) == NULL)
			fatal("%s", __func__);
		c->next = a->chunks;
		a->chunks = c;
		if (size > CC_CHUNK / 4)	/* on its own */
			return ((char *)c + hdr);
		a->cur = (char *)c + hdr;
		a->left = want;
	}
	p = a->cur;
	a->cur += size;
	a->left -= size;
	return (p);
}

void
config_arena_free(struct config_arena *a)
{
	struct config_arena_chunk	*c, *next;

	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	memset(a, 0, sizeof(*a));
}

/* A document config_compose_step() built, and its arena. */
void
config_doc_free(yaml_document_t *doc, struct config_arena *a)
{
	free(doc->nodes.start);
	memset(doc, 0, sizeof(*doc));
	config_arena_free(a);
}

void
config_compose_init(struct config_compose *cc, const void *buf, size_t len,
    yaml_document_t *doc, struct config_arena *arena)
{
	memset(cc, 0, sizeof(*cc));
	if (!yaml_parser_initialize(&cc->parser))
		fatalx("%s: yaml_parser_initialize", __func__);
	yaml_parser_set_input_string(&cc->parser, buf, len);
	cc->len = len;
	cc->doc = doc;
	cc->arena = arena;
	memset(arena, 0, sizeof(*arena));
	cc->state = CC_STREAM;
}

static void
cc_anchors_clear(struct config_compose *cc)
{
	size_t	 i;

	for (i = 0; i < cc->nanchors; i++)
		free(cc->anchors[i].name);
	free(cc->anchors);
	cc->anchors = NULL;
	cc->nanchors = 0;
}

/*
 * Frees the parser and the second document; the first one is the
 * caller's once config_compose_step() said CONFIG_CC_DONE (to free with
 * config_doc_free), and is freed here otherwise.
 */
void
config_compose_free(struct config_compose *cc)
{
	yaml_parser_delete(&cc->parser);
	cc_anchors_clear(cc);
	free(cc->open);
	free(cc->kids);
	if (cc->ndocs >= 1 && cc->state != CC_DONE)
		config_doc_free(cc->doc, cc->arena);
	if (cc->ndocs == 2)
		config_doc_free(&cc->extra, &cc->extra_arena);
	memset(cc, 0, sizeof(*cc));
}

static int
cc_error(struct config_compose *cc, const char *context,
    yaml_mark_t context_mark, const char *problem, yaml_mark_t problem_mark)
{
	cc->parser.error = YAML_COMPOSER_ERROR;
	cc->parser.context = context;
	cc->parser.context_mark = context_mark;
	cc->parser.problem = problem;
	cc->parser.problem_mark = problem_mark;
	cc->state = CC_ERROR;
	return (CONFIG_CC_ERROR);
}

static yaml_document_t *
cc_target(struct config_compose *cc)
{
	return (cc->ndocs == 1 ? cc->doc : &cc->extra);
}

static struct config_arena *
cc_arena(struct config_compose *cc)
{
	return (cc->ndocs == 1 ? cc->arena : &cc->extra_arena);
}

/* Appends a node; its 1-based index. */
static int
cc_push(struct config_compose *cc, const yaml_node_t *node)
{
	yaml_document_t	*d = cc_target(cc);
	yaml_node_t	*n;
	size_t		 used, cap;

	used = d->nodes.top - d->nodes.start;
	cap = d->nodes.end - d->nodes.start;
	if (used == cap) {
		/*
		 * First a node per 12 bytes of input (a service of
		 * 300 bytes has 25): at most one copy of the array as
		 * it grows, where doubling from 64 copied 3 MB twelve
		 * times.  Pages not used are never touched.
		 */
		cap = cap == 0 ? 64 + cc->len / 12 : cap * 2;
		if (cap > INT_MAX)
			fatalx("%s: too many nodes", __func__);
		n = reallocarray(d->nodes.start, cap, sizeof(*n));
		if (n == NULL)
			fatal("%s", __func__);
		d->nodes.start = n;
		d->nodes.top = n + used;
		d->nodes.end = n + cap;
	}
	*d->nodes.top++ = *node;
	return ((int)(used + 1));
}

/* Node index goes to the collection open last, if any. */
static void
cc_add(struct config_compose *cc, int index)
{
	int	*n;

	if (cc->nopen == 0)
		return;
	if (cc->nkids == cc->maxkids) {
		cc->maxkids = cc->maxkids == 0 ? 256 : cc->maxkids * 2;
		if ((n = reallocarray(cc->kids, cc->maxkids,
		    sizeof(*n))) == NULL)
			fatal("%s", __func__);
		cc->kids = n;
	}
	cc->kids[cc->nkids++] = index;
}

/* The end of the collection open last: its children, in one piece. */
static void
cc_close(struct config_compose *cc, const yaml_mark_t *end)
{
	struct config_cc_open	*o = &cc->open[--cc->nopen];
	yaml_node_t		*node;
	yaml_node_item_t	*items;
	yaml_node_pair_t	*pairs;
	const int		*kids = cc->kids + o->base;
	size_t			 nk, n, i;

	node = &cc_target(cc)->nodes.start[o->index - 1];
	node->end_mark = *end;
	nk = cc->nkids - o->base;
	cc->nkids = o->base;
	if (nk == 0)
		return;
	if (node->type == YAML_SEQUENCE_NODE) {
		items = config_arena_alloc(cc_arena(cc), nk * sizeof(*items));
		memcpy(items, kids, nk * sizeof(*items));
		node->data.sequence.items.start = items;
		node->data.sequence.items.top = items + nk;
		node->data.sequence.items.end = items + nk;
		return;
	}
	/* Keys and values alternate (the parser gives both, always). */
	n = (nk + 1) / 2;
	pairs = config_arena_alloc(cc_arena(cc), n * sizeof(*pairs));
	for (i = 0; i < n; i++) {
		pairs[i].key = kids[2 * i];
		pairs[i].value = 2 * i + 1 < nk ? kids[2 * i + 1] : 0;
	}
	node->data.mapping.pairs.start = pairs;
	node->data.mapping.pairs.top = pairs + n;
	node->data.mapping.pairs.end = pairs + n;
}

/* Takes anchor over.  -1 for a duplicate, as libyaml says it. */
static int
cc_anchor(struct config_compose *cc, char *anchor, int index)
{
	struct config_cc_anchor	*a;
	yaml_mark_t		 mark;
	size_t			 i;

	if (anchor == NULL)
		return (0);
	mark = cc_target(cc)->nodes.start[index - 1].start_mark;
	for (i = 0; i < cc->nanchors; i++) {
		if (strcmp(cc->anchors[i].name, anchor) == 0) {
			free(anchor);
			return (cc_error(cc,
			    "found duplicate anchor; first occurrence",
			    cc->anchors[i].mark, "second occurrence", mark));
		}
	}
	a = reallocarray(cc->anchors, cc->nanchors + 1, sizeof(*a));
	if (a == NULL)
		fatal("%s", __func__);
	cc->anchors = a;
	a[cc->nanchors].name = anchor;
	a[cc->nanchors].index = index;
	a[cc->nanchors].mark = mark;
	cc->nanchors++;
	return (0);
}

static void
cc_open(struct config_compose *cc, int index)
{
	struct config_cc_open	*n;

	if (cc->nopen == cc->maxopen) {
		cc->maxopen = cc->maxopen == 0 ? 16 : cc->maxopen * 2;
		if ((n = reallocarray(cc->open, cc->maxopen,
		    sizeof(*n))) == NULL)
			fatal("%s", __func__);
		cc->open = n;
	}
	cc->open[cc->nopen].index = index;
	cc->open[cc->nopen].base = cc->nkids;
	cc->nopen++;
}

/* One event of a document's body. */
static int
cc_body(struct config_compose *cc, yaml_event_t *ev)
{
	yaml_document_t	*d = cc_target(cc);
	yaml_node_t	 node;
	size_t		 i;
	int		 index;
	char		*anchor, *value;

	memset(&node, 0, sizeof(node));
	node.start_mark = ev->start_mark;
	node.end_mark = ev->end_mark;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		for (i = 0; i < cc->nanchors; i++)
			if (strcmp(cc->anchors[i].name,
			    (char *)ev->data.alias.anchor) == 0)
				break;
		if (i == cc->nanchors)
			return (cc_error(cc, NULL, ev->start_mark,
			    "found undefined alias", ev->start_mark));
		cc_add(cc, cc->anchors[i].index);
		return (CONFIG_CC_MORE);
	case YAML_SCALAR_EVENT:
		node.type = YAML_SCALAR_NODE;
		value = config_arena_alloc(cc_arena(cc),
		    ev->data.scalar.length + 1);
		memcpy(value, ev->data.scalar.value, ev->data.scalar.length);
		value[ev->data.scalar.length] = '\0';
		node.data.scalar.value = (yaml_char_t *)value;
		node.data.scalar.length = ev->data.scalar.length;
		node.data.scalar.style = ev->data.scalar.style;
		anchor = (char *)ev->data.scalar.anchor;
		ev->data.scalar.anchor = NULL;
		index = cc_push(cc, &node);
		if (cc_anchor(cc, anchor, index) == -1)
			return (CONFIG_CC_ERROR);
		cc_add(cc, index);
		return (CONFIG_CC_MORE);
	case YAML_SEQUENCE_START_EVENT:
		node.type = YAML_SEQUENCE_NODE;
		node.data.sequence.style = ev->data.sequence_start.style;
		anchor = (char *)ev->data.sequence_start.anchor;
		ev->data.sequence_start.anchor = NULL;
		goto collection;
	case YAML_MAPPING_START_EVENT:
		node.type = YAML_MAPPING_NODE;
		node.data.mapping.style = ev->data.mapping_start.style;
		anchor = (char *)ev->data.mapping_start.anchor;
		ev->data.mapping_start.anchor = NULL;
 collection:
		index = cc_push(cc, &node);
		if (cc_anchor(cc, anchor, index) == -1)
			return (CONFIG_CC_ERROR);
		cc_add(cc, index);
		cc_open(cc, index);
		return (CONFIG_CC_MORE);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (cc->nopen == 0)
			fatalx("%s: end without a start", __func__);
		cc_close(cc, &ev->end_mark);
		return (CONFIG_CC_MORE);
	case YAML_DOCUMENT_END_EVENT:
		d->end_implicit = ev->data.document_end.implicit;
		d->end_mark = ev->end_mark;
		cc_anchors_clear(cc);
		cc->state = CC_BETWEEN;
		if (cc->ndocs == 2)
			cc->state = CC_DONE;	/* enough to refuse it */
		return (cc->state == CC_DONE ? CONFIG_CC_DONE :
		    CONFIG_CC_MORE);
	default:
		fatalx("%s: unexpected event %d", __func__, ev->type);
	}
}

static int
cc_event(struct config_compose *cc, yaml_event_t *ev)
{
	yaml_document_t	*d;

	switch (cc->state) {
	case CC_STREAM:
		if (ev->type != YAML_STREAM_START_EVENT)
			fatalx("%s: no stream start", __func__);
		cc->state = CC_BETWEEN;
		return (CONFIG_CC_MORE);
	case CC_BETWEEN:
		if (ev->type == YAML_STREAM_END_EVENT) {
			if (cc->ndocs == 0) {
				/* An empty stream: an empty document. */
				memset(cc->doc, 0, sizeof(*cc->doc));
				cc->doc->start_implicit = 1;
				cc->doc->end_implicit = 1;
				cc->ndocs = 1;
			}
			cc->state = CC_DONE;
			return (CONFIG_CC_DONE);
		}
		if (ev->type != YAML_DOCUMENT_START_EVENT)
			fatalx("%s: no document start", __func__);
		d = cc->ndocs == 0 ? cc->doc : &cc->extra;
		memset(d, 0, sizeof(*d));
		d->start_implicit = ev->data.document_start.implicit;
		d->start_mark = ev->start_mark;
		cc->ndocs++;
		cc->state = CC_BODY;
		return (CONFIG_CC_MORE);
	case CC_BODY:
		return (cc_body(cc, ev));
	default:
		fatalx("%s: state %d", __func__, cc->state);
	}
}

/*
 * Reads events until the document is done or an error, or until
 * busy(arg) says 1, asked after every `every' events (at least one
 * event each call).  CONFIG_CC_MORE: call again.
 */
int
config_compose_step(struct config_compose *cc, int (*busy)(void *),
    void *arg, unsigned int every)
{
	yaml_event_t	 ev;
	unsigned int	 n = 0;
	int		 r;

	if (cc->state == CC_DONE)
		return (CONFIG_CC_DONE);
	if (cc->state == CC_ERROR)
		return (CONFIG_CC_ERROR);
	for (;;) {
		if (!yaml_parser_parse(&cc->parser, &ev)) {
			cc->state = CC_ERROR;
			return (CONFIG_CC_ERROR);
		}
		r = cc_event(cc, &ev);
		yaml_event_delete(&ev);
		if (r != CONFIG_CC_MORE)
			return (r);
		if (busy != NULL && ++n >= every) {
			n = 0;
			if (busy(arg))
				return (CONFIG_CC_MORE);
		}
	}
}

/* The second document's root node, or NULL: the loader refuses one. */
yaml_node_t *
config_compose_extra(struct config_compose *cc)
{
	if (cc->ndocs < 2)
		return (NULL);
	return (yaml_document_get_root_node(&cc->extra));
}
