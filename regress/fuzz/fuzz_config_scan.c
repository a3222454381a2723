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
 * libFuzzer target for common/config_scan.c: the composer with the
 * scan first (as the loader runs it) and with libyaml alone must give
 * the same document (every node, value, style, child and mark, and the
 * document's own marks) or the same error.  Any difference aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
mark_eq(const yaml_mark_t *a, const yaml_mark_t *b)
{
	return (a->index == b->index && a->line == b->line &&
	    a->column == b->column);
}

static int
node_eq(const yaml_node_t *x, const yaml_node_t *y)
{
	size_t	 n;

	if (x->type != y->type || !mark_eq(&x->start_mark, &y->start_mark) ||
	    !mark_eq(&x->end_mark, &y->end_mark))
		return (0);
	switch (x->type) {
	case YAML_SCALAR_NODE:
		return (x->data.scalar.length == y->data.scalar.length &&
		    x->data.scalar.style == y->data.scalar.style &&
		    memcmp(x->data.scalar.value, y->data.scalar.value,
		    x->data.scalar.length + 1) == 0);
	case YAML_SEQUENCE_NODE:
		n = x->data.sequence.items.top - x->data.sequence.items.start;
		return (x->data.sequence.style == y->data.sequence.style &&
		    n == (size_t)(y->data.sequence.items.top -
		    y->data.sequence.items.start) && (n == 0 ||
		    memcmp(x->data.sequence.items.start,
		    y->data.sequence.items.start,
		    n * sizeof(yaml_node_item_t)) == 0));
	case YAML_MAPPING_NODE:
		n = x->data.mapping.pairs.top - x->data.mapping.pairs.start;
		return (x->data.mapping.style == y->data.mapping.style &&
		    n == (size_t)(y->data.mapping.pairs.top -
		    y->data.mapping.pairs.start) && (n == 0 ||
		    memcmp(x->data.mapping.pairs.start,
		    y->data.mapping.pairs.start,
		    n * sizeof(yaml_node_pair_t)) == 0));
	default:
		return (0);
	}
}

static int
doc_eq(const yaml_document_t *a, const yaml_document_t *b)
{
	size_t	 n, i;

	n = a->nodes.top - a->nodes.start;
	if (n != (size_t)(b->nodes.top - b->nodes.start) ||
	    a->start_implicit != b->start_implicit ||
	    a->end_implicit != b->end_implicit ||
	    !mark_eq(&a->start_mark, &b->start_mark) ||
	    !mark_eq(&a->end_mark, &b->end_mark))
		return (0);
	for (i = 0; i < n; i++)
		if (!node_eq(&a->nodes.start[i], &b->nodes.start[i]))
			return (0);
	return (1);
}

static int
compose(const uint8_t *data, size_t size, int fast, yaml_document_t *doc,
    struct config_arena *arena, struct config_compose *cc)
{
	int	 r;

	config_compose_init(cc, data, size, doc, arena);
	cc->fast = fast;
	while ((r = config_compose_step(cc, NULL, NULL, 64)) ==
	    CONFIG_CC_MORE)
		;
	return (r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_compose	 a, b;
	yaml_document_t		 da, db;
	struct config_arena	 aa, ab;
	int			 ra, rb;

	ra = compose(data, size, 1, &da, &aa, &a);
	rb = compose(data, size, 0, &db, &ab, &b);
	if (ra != rb)
		abort();
	if (ra == CONFIG_CC_DONE) {
		if (!doc_eq(&da, &db) || (config_compose_extra(&a) == NULL) !=
		    (config_compose_extra(&b) == NULL))
			abort();
		config_doc_free(&da, &aa);
		config_doc_free(&db, &ab);
	} else if (a.parser.error != b.parser.error ||
	    a.parser.problem_offset != b.parser.problem_offset ||
	    !mark_eq(&a.parser.problem_mark, &b.parser.problem_mark) ||
	    (a.parser.problem == NULL) != (b.parser.problem == NULL) ||
	    (a.parser.problem != NULL &&
	    strcmp(a.parser.problem, b.parser.problem) != 0))
		abort();
	config_compose_free(&a);
	config_compose_free(&b);
	return (0);
}
