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
 * The strings a configuration's services share.  Many services run the
 * same program with the same arguments, user and environment: at 10,000
 * services, each of those kept once per service is a few hundred bytes
 * of the parent's memory per service.  Once a configuration is loaded
 * (and only then: nothing changes it afterwards), config_svc_share()
 * replaces a service's command, arguments, user, group, directory and
 * environment by the configuration's one copy of each (hash tables,
 * open addressing, of the strings and then of the argv and env arrays
 * made of them).  The configuration owns those copies and frees them in
 * config_free(), after its services; a service whose strings are shared
 * (svc->strs_shared) frees none of them.
 * Services are compared by content (config_svc_equal()), so a reload
 * that diffs the old configuration with the new is not affected.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "log.h"

/* An array of shared strings (argv, env), by its bytes. */
struct strs_vec {
	void		 *p;		/* NULL: free slot */
	size_t		  len;
};

struct config_strs {
	char		**slot;		/* NULL: free */
	size_t		  nslot;	/* a power of 2 */
	size_t		  n;
	struct strs_vec	 *vslot;
	size_t		  nvslot;	/* a power of 2 */
	size_t		  nv;
};

static uint64_t
strs_hash(const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint64_t		 h = 14695981039346656037ULL;	/* FNV-1a */
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return (h);
}

static struct config_strs *
strs_get(struct vigil_conf *conf)
{
	if (conf->strs == NULL &&
	    (conf->strs = calloc(1, sizeof(*conf->strs))) == NULL)
		fatal("%s", __func__);
	return (conf->strs);
}

static void
strs_grow(struct config_strs *t)
{
	char	**o = t->slot;
	size_t	  on = t->nslot, i, j;

	t->nslot = on == 0 ? 64 : on * 2;
	if ((t->slot = calloc(t->nslot, sizeof(*t->slot))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < on; i++) {
		if (o[i] == NULL)
			continue;
		j = strs_hash(o[i], strlen(o[i])) & (t->nslot - 1);
		while (t->slot[j] != NULL)
			j = (j + 1) & (t->nslot - 1);
		t->slot[j] = o[i];
	}
	free(o);
}

/*
 * s (malloc'd) as the configuration's copy: s itself when it is the
 * first of its content, else the earlier copy, and s is freed.
 */
static char *
strs_take(struct vigil_conf *conf, char *s)
{
	struct config_strs	*t;
	size_t			 j;

	if (s == NULL)
		return (NULL);
	t = strs_get(conf);
	if ((t->n + 1) * 2 > t->nslot)
		strs_grow(t);
	j = strs_hash(s, strlen(s)) & (t->nslot - 1);
	for (; t->slot[j] != NULL; j = (j + 1) & (t->nslot - 1)) {
		if (t->slot[j] == s)
			return (s);
		if (strcmp(t->slot[j], s) == 0) {
			freezero(s, strlen(s));
			return (t->slot[j]);
		}
	}
	t->slot[j] = s;
	t->n++;
	return (s);
}

static void
strs_vgrow(struct config_strs *t)
{
	struct strs_vec	*o = t->vslot;
	size_t		 on = t->nvslot, i, j;

	t->nvslot = on == 0 ? 64 : on * 2;
	if ((t->vslot = calloc(t->nvslot, sizeof(*t->vslot))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < on; i++) {
		if (o[i].p == NULL)
			continue;
		j = strs_hash(o[i].p, o[i].len) & (t->nvslot - 1);
		while (t->vslot[j].p != NULL)
			j = (j + 1) & (t->nvslot - 1);
		t->vslot[j] = o[i];
	}
	free(o);
}

/* As strs_take(), for an array of len bytes made of shared strings. */
static void *
strs_vtake(struct vigil_conf *conf, void *p, size_t len)
{
	struct config_strs	*t;
	size_t			 j;

	if (p == NULL || len == 0)
		return (p);
	t = strs_get(conf);
	if ((t->nv + 1) * 2 > t->nvslot)
		strs_vgrow(t);
	j = strs_hash(p, len) & (t->nvslot - 1);
	for (; t->vslot[j].p != NULL; j = (j + 1) & (t->nvslot - 1)) {
		if (t->vslot[j].len == len &&
		    memcmp(t->vslot[j].p, p, len) == 0) {
			free(p);
			return (t->vslot[j].p);
		}
	}
	t->vslot[j].p = p;
	t->vslot[j].len = len;
	t->nv++;
	return (p);
}

void
config_svc_share(struct vigil_conf *conf, struct config_svc *svc)
{
	size_t	 i;

	if (svc->strs_shared)
		return;
	svc->command_str = strs_take(conf, svc->command_str);
	for (i = 0; svc->argv != NULL && svc->argv[i] != NULL; i++)
		svc->argv[i] = strs_take(conf, svc->argv[i]);
	if (svc->argv != NULL)
		svc->argv = strs_vtake(conf, svc->argv,
		    (i + 1) * sizeof(*svc->argv));
	svc->user = strs_take(conf, svc->user);
	svc->group = strs_take(conf, svc->group);
	svc->directory = strs_take(conf, svc->directory);
	for (i = 0; i < svc->nenv; i++) {
		svc->env[i].name = strs_take(conf, svc->env[i].name);
		svc->env[i].value = strs_take(conf, svc->env[i].value);
	}
	svc->env = strs_vtake(conf, svc->env, svc->nenv * sizeof(*svc->env));
	svc->strs_shared = 1;
}

/* After the services: environment values may be secrets. */
void
config_strs_free(struct config_strs *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nslot; i++)
		if (t->slot[i] != NULL)
			freezero(t->slot[i], strlen(t->slot[i]));
	free(t->slot);
	for (i = 0; i < t->nvslot; i++)
		free(t->vslot[i].p);
	free(t->vslot);
	free(t);
}
