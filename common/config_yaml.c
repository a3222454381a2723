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
 * The YAML loader: files, includes, the global keys and the services
 * mapping (the typed accessors it shares with config_svc.c are in
 * config_value.c).
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "log.h"

#define CONFIG_FILE_MAX		(16 * 1024 * 1024)

/*
 * Files.
 */

const char *
config_dir_of(struct config_ctx *ctx, const char *path)
{
	const char	*slash;
	char		*d;

	if ((slash = strrchr(path, '/')) == NULL)
		return (config_intern(ctx, "."));
	if (slash == path)
		return (config_intern(ctx, "/"));
	if ((d = strndup(path, slash - path)) == NULL)
		fatal("%s", __func__);
	path = config_intern(ctx, d);
	free(d);
	return (path);
}

/*
 * Open once, check the file opened (the root rule when
 * CONFIG_CHECK_OWNER), read from it.
 */
char *
config_read_file(struct config_ctx *ctx, const char *path, const char *what,
    size_t *lenp)
{
	struct config_lpos	 fp;
	struct stat	 st;
	char		*buf, err[PATH_MAX * 2 + 128];
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	fp.file = path;
	fp.line = fp.col = 0;
	if ((fd = config_open_checked(path, what,
	    (ctx->flags & CONFIG_CHECK_OWNER) != 0, err, sizeof(err))) == -1) {
		config_errp(ctx, &fp, "%s", err);
		return (NULL);
	}
	if (fstat(fd, &st) == -1) {
		config_errp(ctx, &fp, "%s", strerror(errno));
		close(fd);
		return (NULL);
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		config_errp(ctx, &fp, "file too large");
		close(fd);
		return (NULL);
	}
	if ((buf = malloc(st.st_size + 1)) == NULL)
		fatal("%s", __func__);
	while (len < (size_t)st.st_size &&
	    (n = read(fd, buf + len, st.st_size - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			config_errp(ctx, &fp, "%s", strerror(errno));
			free(buf);
			close(fd);
			return (NULL);
		}
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return (buf);
}

/*
 * The name of the file a service is defined in: conf->files' copy, one
 * for all the services of a file (10,000 services, 10,000 paths less).
 */
static char *
pos_file(struct config_ctx *ctx)
{
	struct vigil_conf	*conf = ctx->conf;
	size_t			 i;

	if (ctx->pos_file != NULL && strcmp(ctx->pos_file, ctx->file) == 0)
		return (ctx->pos_file);
	for (i = conf->nfiles; i > 0; i--)
		if (strcmp(conf->files[i - 1], ctx->file) == 0)
			return (ctx->pos_file = conf->files[i - 1]);
	fatalx("%s: %s was not read", __func__, ctx->file);
}

void
config_add_file(struct config_ctx *ctx, const char *path)
{
	struct vigil_conf	*conf = ctx->conf;
	char			**n;

	n = reallocarray(conf->files, conf->nfiles + 1, sizeof(*n));
	if (n == NULL)
		fatal("%s", __func__);
	conf->files = n;
	config_file_index(ctx, path);
	if ((n[conf->nfiles++] = strdup(path)) == NULL)
		fatal("%s", __func__);
}

/*
 * The error of a parse that failed (config_compose_step): as
 * yaml_parser_load() reported it, with the context in the first
 * document, without in the second one (read only to refuse it).
 */
void
config_yaml_error(struct config_ctx *ctx, struct config_compose *cc)
{
	yaml_parser_t		*parser = &cc->parser;
	struct config_lpos	 p;

	p.file = ctx->file;
	p.line = parser->problem_mark.line + 1;
	p.col = parser->problem_mark.column + 1;
	if (cc->ndocs >= 2) {
		config_errp(ctx, &p, "YAML: %s", parser->problem ?
		    parser->problem : "syntax error");
		return;
	}
	if (parser->error == YAML_READER_ERROR)
		config_errp(ctx, NULL, "%s at byte %zu",
		    parser->problem ? parser->problem : "bad input",
		    parser->problem_offset);
	else if (parser->context != NULL)
		config_errp(ctx, &p, "YAML: %s (%s started at line %zu, "
		    "column %zu)", parser->problem ? parser->problem :
		    "syntax error", parser->context,
		    parser->context_mark.line + 1,
		    parser->context_mark.column + 1);
	else
		config_errp(ctx, &p, "YAML: %s", parser->problem ?
		    parser->problem : "syntax error");
}

/*
 * Services.
 */

int
config_spcmp(struct config_svc_parse *a, struct config_svc_parse *b)
{
	return (strcmp(a->svc->name, b->svc->name));
}

RB_GENERATE(config_sptree, config_svc_parse, byname, config_spcmp);

/* The service loaded so far with this name, or NULL. */
struct config_svc_parse *
config_sp_find(struct config_ctx *ctx, const char *name)
{
	struct config_svc_parse	 key;
	struct config_svc	 kc;

	kc.name = (char *)name;		/* only compared */
	key.svc = &kc;
	return (RB_FIND(config_sptree, &ctx->byname, &key));
}

/* 1 if map is a services: mapping to walk, pair by pair. */
int
config_services_ok(struct config_ctx *ctx, yaml_node_t *map)
{
	if (map == NULL || config_is_null(map))
		return (0);
	return (config_mapping(ctx, map, "services", "") == 0);
}

/* One service of a services: mapping. */
void
config_service_load(struct config_ctx *ctx, yaml_node_pair_t *pair)
{
	yaml_node_t		*k, *v;
	struct config_svc_parse	*sp, **n, *old;
	const char		*name, *file, *dir;
	char			 where[128];

	k = yaml_document_get_node(ctx->doc, pair->key);
	v = yaml_document_get_node(ctx->doc, pair->value);
	if ((name = config_scalar(k)) == NULL) {
		config_err(ctx, k, "expected a service name");
		return;
	}
	if (!config_valid_name(name)) {
		config_err(ctx, k,
		    "bad service name \"%s\": use up to 63 "
		    "letters, digits, '.', '_' and '-', not starting "
		    "with '.' or '-', and not \"all\"", name);
		return;
	}
	if ((old = config_sp_find(ctx, name)) != NULL) {
		config_err(ctx, k, "duplicate service \"%s\" (first "
		    "defined at %s:%zu:%zu)", name,
		    old->p_name.file, old->p_name.line,
		    old->p_name.col);
		return;
	}
	snprintf(where, sizeof(where), " in service \"%s\"", name);
	if (v->type != YAML_MAPPING_NODE) {
		config_err(ctx, v, "expected a mapping for service "
		    "\"%s\"", name);
		return;
	}

	sp = config_svc_parse_new(ctx, name);
	sp->p_name = config_node_pos(ctx, k);
	sp->svc->pos.file = pos_file(ctx);
	sp->svc->pos.line = sp->p_name.line;
	sp->svc->pos.column = sp->p_name.col;

	if (ctx->defaults != NULL) {
		yaml_document_t	*doc = ctx->doc;

		file = ctx->file;
		dir = ctx->dir;
		ctx->doc = &ctx->maindoc;
		ctx->file = ctx->defaults_file;
		ctx->dir = ctx->defaults_dir;
		ctx->quiet++;
		config_svc_apply(ctx, sp, ctx->defaults, where);
		ctx->quiet--;
		ctx->doc = doc;
		ctx->file = file;
		ctx->dir = dir;
	}
	config_svc_apply(ctx, sp, v, where);
	config_svc_finish(ctx, sp);

	if (ctx->nsp == ctx->maxsp) {
		ctx->maxsp = ctx->maxsp == 0 ? 64 : ctx->maxsp * 2;
		n = reallocarray(ctx->sp, ctx->maxsp, sizeof(*n));
		if (n == NULL)
			fatal("%s", __func__);
		ctx->sp = n;
	}
	n = ctx->sp;
	sp->idx = ctx->nsp;
	n[ctx->nsp++] = sp;
	RB_INSERT(config_sptree, &ctx->byname, sp);
	TAILQ_INSERT_TAIL(&ctx->conf->services, sp->svc, entry);
	ctx->conf->nservices++;
}

/* Checks the defaults once, with errors, on a scratch service. */
static void
check_defaults(struct config_ctx *ctx)
{
	struct config_svc_parse	*sp;

	sp = config_svc_parse_new(ctx, "defaults");
	config_svc_apply(ctx, sp, ctx->defaults, " in defaults");
	config_svc_parse_free(sp);
}

/*
 * Global keys.
 */

static void
resolve_user(struct config_ctx *ctx, yaml_node_t *n, const char *user)
{
	if ((ctx->flags & CONFIG_NO_RESOLVE) || getpwnam(user) != NULL)
		return;
	config_err(ctx, n, "unknown user \"%s\"", user);
}

static void
socket_path(struct config_ctx *ctx, yaml_node_t *v)
{
	struct vigil_conf	*conf = ctx->conf;
	struct sockaddr_un	 sun;

	if (config_str(ctx, v, "socket.path", "", &conf->socket_path) == -1)
		return;
	if (conf->socket_path[0] != '/')
		config_err(ctx, v, "socket.path must be an absolute path");
	else if (strlen(conf->socket_path) >= sizeof(sun.sun_path))
		config_err(ctx, v,
		    "socket.path is too long (at most %zu bytes)",
		    sizeof(sun.sun_path) - 1);
}

static void
load_socket(struct config_ctx *ctx, yaml_node_t *map)
{
	struct vigil_conf	*conf = ctx->conf;
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v;
	struct group		*gr;
	const char		*key, *s;
	char			*end;
	long			 mode;

	if (map->type == YAML_SCALAR_NODE) {	/* socket: /path */
		socket_path(ctx, map);
		return;
	}
	if (config_mapping(ctx, map, "socket", "") == -1)
		return;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		if (config_dupkey(ctx, map, pair, "socket", "") == -1)
			continue;
		k = yaml_document_get_node(ctx->doc, pair->key);
		v = yaml_document_get_node(ctx->doc, pair->value);
		key = config_scalar(k);
		if (strcmp(key, "path") == 0)
			socket_path(ctx, v);
		else if (strcmp(key, "mode") == 0) {
			if ((s = config_scalar(v)) == NULL) {
				config_err(ctx, v, "expected a string for "
				    "socket.mode");
				continue;
			}
			errno = 0;
			mode = strtol(s, &end, 8);
			if (*s == '\0' || *end != '\0' || errno != 0 ||
			    mode < 0 || mode > 0777 || *s == '-' ||
			    *s == '+' || *s == ' ') {
				config_err(ctx, v, "bad socket.mode \"%s\": "
				    "expected an octal mode like \"0660\"", s);
				continue;
			}
			conf->socket_mode = (mode_t)mode;
		} else if (strcmp(key, "group") == 0) {
			if (config_str(ctx, v, "socket.group", "",
			    &conf->socket_group) == -1)
				continue;
			if (ctx->flags & CONFIG_NO_RESOLVE)
				continue;
			if ((gr = getgrnam(conf->socket_group)) == NULL)
				config_err(ctx, v, "unknown group \"%s\"",
				    conf->socket_group);
			else
				conf->socket_gid = gr->gr_gid;
		} else
			config_err(ctx, k, "unknown key \"%s\" in socket", key);
	}
}

static void
load_http(struct config_ctx *ctx, yaml_node_t *map)
{
	struct vigil_conf	*conf = ctx->conf;
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v, *listen = NULL;
	const char		*key, *errstr;
	char			*host, *port, *path = NULL;
	char			 err[PATH_MAX * 2 + 128];
	int			 fd;
	long long		 p;

	if (config_mapping(ctx, map, "http", "") == -1)
		return;
	conf->http_enabled = 1;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		if (config_dupkey(ctx, map, pair, "http", "") == -1)
			continue;
		k = yaml_document_get_node(ctx->doc, pair->key);
		v = yaml_document_get_node(ctx->doc, pair->value);
		key = config_scalar(k);
		if (strcmp(key, "listen") == 0) {
			listen = v;
			if (config_str(ctx, v, "http.listen", "",
			    &conf->http_listen) == -1)
				continue;
			if (config_hostport(conf->http_listen, &host,
			    &port) == -1) {
				config_err(ctx, v, "bad http.listen \"%s\": "
				    "expected HOST:PORT", conf->http_listen);
				continue;
			}
			p = strtonum(port, 1, 65535, &errstr);
			if (errstr != NULL)
				config_err(ctx, v,
				    "bad http.listen \"%s\": port "
				    "must be between 1 and 65535",
				    conf->http_listen);
			else if (!config_bind_host_ok(host))
				config_err(ctx, v, "bad http.listen \"%s\": a "
				    "host name; give an address (127.0.0.1, "
				    "[::1], localhost or *): vigild does not "
				    "resolve names in its root process",
				    conf->http_listen);
			free(conf->http_host);
			conf->http_host = host;
			conf->http_port = (uint16_t)p;
			free(port);
		} else if (strcmp(key, "token_file") == 0) {
			if (config_str(ctx, v, "http.token_file", "",
				&path) == -1) continue;
			free(conf->http_token_file);
			conf->http_token_file = config_relpath(ctx, path,
			    ctx->dir);
			free(path);
			path = NULL;
			if (ctx->flags & CONFIG_NO_RESOLVE)
				continue;
			/* The rule a start applies, under -n and reload too. */
			if ((fd = config_open_checked(conf->http_token_file,
			    "token_file", (ctx->flags & CONFIG_CHECK_OWNER) != 0,
			    err, sizeof(err))) == -1)
				config_err(ctx, v,
				    "cannot read http.token_file "
				    "\"%s\": %s", conf->http_token_file, err);
			else
				close(fd);
		} else
			config_err(ctx, k, "unknown key \"%s\" in http", key);
	}
	if (listen == NULL)
		config_err(ctx, map, "http needs listen: HOST:PORT");
}

static void
set_dir(struct config_ctx *ctx, yaml_node_t *v, const char *key, char **out)
{
	if (config_str(ctx, v, key, "", out) == 0 && **out != '/')
		config_err(ctx, v, "%s must be an absolute path", key);
}

static void
add_include(struct config_ctx *ctx, yaml_node_t *e, yaml_node_t **inc,
    size_t *ninc)
{
	struct vigil_conf	*conf = ctx->conf;
	char			*s;

	if (config_scalar(e) == NULL) {
		config_err(ctx, e, "expected a string for include");
		return;
	}
	if (*ninc == CONFIG_INCLUDE_MAX) {
		config_err(ctx, e, "too many include patterns (at most %d)",
		    CONFIG_INCLUDE_MAX);
		return;
	}
	inc[(*ninc)++] = e;
	if (asprintf(&s, "%s%s%s", conf->include ? conf->include : "",
	    conf->include ? " " : "", config_scalar(e)) == -1)
		fatal("%s", __func__);
	free(conf->include);
	conf->include = s;
}

static void
load_includes(struct config_ctx *ctx, yaml_node_t *v, yaml_node_t **inc,
    size_t *ninc)
{
	yaml_node_item_t	*it;

	if (v->type != YAML_SEQUENCE_NODE) {
		add_include(ctx, v, inc, ninc);
		return;
	}
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++)
		add_include(ctx, yaml_document_get_node(ctx->doc, *it), inc,
		    ninc);
}

/*
 * The main file's top: the global keys, the include patterns (into
 * inc, CONFIG_INCLUDE_MAX of them), the defaults; its services:
 * mapping, or NULL.
 */
yaml_node_t *
config_main_root(struct config_ctx *ctx, yaml_node_t *root,
    yaml_node_t **inc, size_t *ninc)
{
	struct vigil_conf	*conf = ctx->conf;
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v, *services = NULL;
	const char		*key;

	*ninc = 0;
	if (root == NULL || config_is_null(root))
		return (NULL);
	if (root->type != YAML_MAPPING_NODE) {
		config_err(ctx, root,
		    "expected a mapping at the top of the file");
		return (NULL);
	}
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		if (config_dupkey(ctx, root, pair, "", "") == -1)
			continue;
		k = yaml_document_get_node(ctx->doc, pair->key);
		v = yaml_document_get_node(ctx->doc, pair->value);
		key = config_scalar(k);
		if (strcmp(key, "user") == 0) {
			if (config_str(ctx, v, "user", "", &conf->user) == 0)
				resolve_user(ctx, v, conf->user);
		} else if (strcmp(key, "socket") == 0)
			load_socket(ctx, v);
		else if (strcmp(key, "log_dir") == 0)
			set_dir(ctx, v, "log_dir", &conf->log_dir);
		else if (strcmp(key, "state_dir") == 0)
			set_dir(ctx, v, "state_dir", &conf->state_dir);
		else if (strcmp(key, "include") == 0)
			load_includes(ctx, v, inc, ninc);
		else if (strcmp(key, "http") == 0)
			load_http(ctx, v);
		else if (strcmp(key, "watch_config") == 0)
			(void)config_bool(ctx, v, "watch_config", "",
			    &conf->watch_config);
		else if (strcmp(key, "defaults") == 0) {
			if (config_is_null(v))
				continue;
			if (config_mapping(ctx, v, "defaults", "") == 0)
				ctx->defaults = v;
		} else if (strcmp(key, "services") == 0)
			services = v;
		else
			config_err(ctx, k, "unknown key \"%s\"", key);
	}
	if (ctx->defaults != NULL)
		check_defaults(ctx);
	return (services);
}

/* An included file's top: its services: mapping, or NULL. */
yaml_node_t *
config_include_root(struct config_ctx *ctx, yaml_node_t *root)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v, *services = NULL;
	const char		*key;

	if (root == NULL || config_is_null(root))
		return (NULL);
	if (root->type != YAML_MAPPING_NODE) {
		config_err(ctx, root, "expected a mapping with services:");
		return (NULL);
	}
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		if (config_dupkey(ctx, root, pair, "", "") == -1)
			continue;
		k = yaml_document_get_node(ctx->doc, pair->key);
		v = yaml_document_get_node(ctx->doc, pair->value);
		key = config_scalar(k);
		if (strcmp(key, "services") == 0)
			services = v;
		else
			config_err(ctx, k, "\"%s\" is not allowed in an "
			    "included file (only services:)", key);
	}
	return (services);
}

