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
 * libFuzzer target for the configuration loader (from memory, resolving
 * nothing and reading no include), in one go and in slices (stopped
 * every few steps, as the parent's reload runs it: the same errors, the
 * same result), and for the value parsers, which get the input as one
 * string.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_busy(void *arg)
{
	return (1);
}

/* The load in slices of 1 to 8 steps: what the load in one go gave. */
static void
fuzz_sliced(const uint8_t *data, size_t size, const struct config_errors *e1,
    int loaded)
{
	struct config_errors	 errs;
	struct config_loader	*l;
	struct vigil_conf	*conf;
	size_t			 i;

	config_errors_init(&errs);
	l = config_load_begin_buffer("fuzz.conf", data, size,
	    CONFIG_NO_RESOLVE | CONFIG_NO_INCLUDE, &errs);
	config_load_every(l, 1 + size % 8);
	while (!config_load_step(l, fuzz_busy, NULL))
		;
	conf = config_load_end(l);
	if ((conf != NULL) != loaded || errs.nerrs != e1->nerrs)
		abort();
	for (i = 0; i < errs.nerrs; i++)
		if (strcmp(errs.errs[i], e1->errs[i]) != 0)
			abort();
	config_free(conf);
	config_errors_free(&errs);
}

static void
fuzz_values(const char *s)
{
	struct config_expand_ctx	 ctx;
	struct config_env		 env = { "FOO", "bar" };
	const char			*errstr;
	char				**argv, err[128], *x;
	uint64_t			 v;
	size_t				 argc;
	int				 sig;

	config_parse_duration(s, &v, &errstr);
	config_parse_size(s, &v, &errstr);
	if (config_parse_signal(s, &sig, &errstr) == 0)
		config_signame(sig);
	if (config_split_command(s, &argv, &argc, &errstr) == 0) {
		if (argv[argc] != NULL)
			abort();
		config_free_argv(argv);
	}
	ctx.name = "fuzz";
	ctx.instance = 1;
	ctx.port = 8000;
	ctx.env = &env;
	ctx.nenv = 1;
	x = config_expand(s, &ctx, err, sizeof(err));
	free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_errors	 errs;
	struct vigil_conf	*conf;
	struct config_svc	*svc;
	char			*s;

	config_errors_init(&errs);
	conf = config_load_buffer("fuzz.conf", data, size,
	    CONFIG_NO_RESOLVE | CONFIG_NO_INCLUDE, &errs);
	if (conf == NULL && errs.nerrs == 0)
		abort();		/* refused without saying why */
	if (conf != NULL) {
		TAILQ_FOREACH(svc, &conf->services, entry) {
			if (!config_svc_equal(svc, svc) || svc->argv == NULL ||
			    svc->argc == 0)
				abort();
			if (config_find(conf, svc->name) != svc)
				abort();
		}
	}
	fuzz_sliced(data, size, &errs, conf != NULL);
	config_free(conf);
	config_errors_free(&errs);

	if (size < 4096 && (s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		fuzz_values(s);
		free(s);
	}
	return 0;
}
