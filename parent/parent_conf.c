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
 * What this vigild can do with a configuration the loader accepted:
 * keys that are valid but need something this build or host lacks are
 * refused here, with a clear reason, instead of being silently ignored.
 * Used by -n, at start and on reload.
 */

#include <sys/types.h>

#include "log.h"
#include "parent.h"

int
parent_conf_check(struct vigil_conf *conf, struct config_errors *errs)
{
	size_t	 before = errs->nerrs;

	(void)parent_monitor_check_conf(conf, errs);
	return (errs->nerrs > before ? -1 : 0);
}
