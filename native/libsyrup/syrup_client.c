// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syrup_client.c - the client side of syrupd's protocol (docs/protocol.md):
 * one JSON request per line out, one JSON answer per line back, over a Unix
 * stream socket. JSON is built and parsed with cJSON.
 */
#include "syrup_client.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_LINE (4u << 20)   /* longest request or answer line, newline included */
#define MAX_POLICY (1u << 20) /* longest policy source syrupd takes */

struct sy_error {
	int code;
	int line;
	char kind[32];
	char file[256];
	char message[4096];
};

struct sy_client {
	int fd; /* -1 after the connection broke: the next request reconnects */
	char *path;
	char *buf; /* answer bytes received and not yet consumed */
	size_t len, cap;
	struct sy_error err;
};

/* Failures that have no client: sy_connect(), sy_deploy_policy_once(), a NULL client. */
static __thread struct sy_error thread_err;

static struct sy_error *err_of(struct sy_client *c)
{
	return c ? &c->err : &thread_err;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* Records a failure and returns its code. */
__attribute__((format(printf, 4, 5)))
static int fail(struct sy_error *e, int code, const char *kind, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->line = 0;
	e->file[0] = '\0';
	copy_str(e->kind, sizeof(e->kind), kind);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return code;
}

static void clear(struct sy_error *e)
{
	e->code = e->line = 0;
	e->kind[0] = e->file[0] = e->message[0] = '\0';
}

/* The code for an error kind syrupd reports. */
static int code_of_kind(const char *kind)
{
	static const struct { const char *kind; int code; } codes[] = {
		{ "invalid-request", -EINVAL }, { "compile", -EBADMSG },  { "verifier", -EBADMSG },
		{ "not-found", -ENOENT },       { "forbidden", -EACCES }, { "conflict", -EEXIST },
		{ "unavailable", -EAGAIN },
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcmp(kind, codes[i].kind))
			return codes[i].code;
	return -EREMOTEIO; /* "internal", and kinds newer than this library */
}

/* True if s[0..n) is well-formed UTF-8 without NUL (JSON text cannot carry anything else). */
static bool is_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char b = s[i];
		size_t len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
		unsigned int cp = len == 1 ? b : len == 2 ? b & 0x1f : len == 3 ? b & 0x0f : b & 0x07;

		if (!b || !len || n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* No overlong forms, surrogates or code points past U+10FFFF. */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += len;
	}
	return true;
}

/* Reads a policy file whole into a NUL-terminated string in *out. */
static int read_policy(struct sy_error *e, const char *file, char **out)
{
	char *src = malloc(MAX_POLICY + 2);
	size_t n = 0;
	ssize_t r = 1;
	int fd, err = 0;

	if (!src)
		return fail(e, -ENOMEM, "out-of-memory", "no memory for policy %s", file);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = errno;
	while (fd >= 0 && n <= MAX_POLICY && r > 0) {
		r = read(fd, src + n, MAX_POLICY + 1 - n);
		if (r > 0)
			n += r;
		else if (r < 0 && errno == EINTR)
			r = 1;
		else if (r < 0)
			err = errno;
	}
	if (fd >= 0)
		close(fd);
	if (err) {
		free(src);
		return fail(e, -err, "policy-file", "cannot read policy %s: %s", file, strerror(err));
	}
	if (n > MAX_POLICY) {
		free(src);
		return fail(e, -EFBIG, "policy-file", "policy %s is over %u bytes", file, MAX_POLICY);
	}
	if (!is_utf8((unsigned char *)src, n)) {
		free(src);
		return fail(e, -EILSEQ, "policy-file", "policy %s is not UTF-8 text (or contains a NUL byte)", file);
	}
	src[n] = '\0';
	*out = src;
	return 0;
}

static int connect_socket(struct sy_error *e, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err = 0;

	if (strlen(path) >= sizeof(addr.sun_path))
		return fail(e, -ECONNREFUSED, "unreachable", "cannot connect to syrupd at %s: path too long", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		err = errno;
	else if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		err = errno;
	if (err == EINTR) {
		/* An interrupted connect goes on in the background: wait for its outcome. */
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		socklen_t len = sizeof(err);

		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
			err = errno;
	}
	if (err) {
		if (fd >= 0)
			close(fd);
		return fail(e, -ECONNREFUSED, "unreachable", "cannot connect to syrupd at %s: %s", path, strerror(err));
	}
	return fd;
}

struct sy_client *sy_connect(const char *socket_path)
{
	const char *env = getenv("SYRUP_SOCKET");
	const char *path = socket_path ? socket_path : env && *env ? env : SY_DEFAULT_SOCKET;
	struct sy_client *c = calloc(1, sizeof(*c));
	int fd;

	clear(&thread_err);
	if (!c || !(c->path = strdup(path))) {
		free(c);
		fail(&thread_err, -ENOMEM, "out-of-memory", "no memory for a syrupd client");
		errno = ENOMEM;
		return NULL;
	}
	fd = connect_socket(&thread_err, path);
	if (fd < 0) {
		free(c->path);
		free(c);
		errno = -fd;
		return NULL;
	}
	c->fd = fd;
	return c;
}

void sy_close(struct sy_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c->path);
	free(c);
}

/* The connection is out of step (or gone): drop it so the next request starts afresh. */
static int broken(struct sy_client *c, const char *fmt, const char *detail)
{
	close(c->fd);
	c->fd = -1;
	c->len = 0;
	return fail(&c->err, -EIO, "protocol", fmt, detail);
}

static int send_all(struct sy_client *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return broken(c, "lost the connection to syrupd: %s", strerror(errno));
		p += w;
		n -= w;
	}
	return 0;
}

/*
 * Sends p[0..n) with descriptors fds[0..nfds) attached to its first bytes
 * (SCM_RIGHTS), so syrupd reads them with that request.
 */
static int send_with_fds(struct sy_client *c, const char *p, size_t n, const int *fds, int nfds)
{
	char ctl[CMSG_SPACE(sizeof(int) * SY_MAX_XSK)];
	struct iovec iov = { .iov_base = (void *)p, .iov_len = n };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * nfds) };
	struct cmsghdr *cm;
	ssize_t w;

	memset(ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	do {
		w = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return broken(c, "lost the connection to syrupd: %s", strerror(errno));
	return send_all(c, p + w, n - w);
}

/* Receives one answer line; on success it is c->buf[0..*line_len) and the newline follows it. */
static int recv_line(struct sy_client *c, size_t *line_len)
{
	char *nl;

	while (!(nl = memchr(c->buf, '\n', c->len))) {
		ssize_t r;

		if (c->len == MAX_LINE)
			return broken(c, "%s", "syrupd's answer is over 4 MiB");
		if (c->len == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 4096;
			char *buf = realloc(c->buf, cap < MAX_LINE ? cap : MAX_LINE);

			if (!buf) { /* the answer cannot be read to its end: drop the connection too */
				broken(c, "%s", "");
				return fail(&c->err, -ENOMEM, "out-of-memory", "no memory for syrupd's answer");
			}
			c->buf = buf;
			c->cap = cap < MAX_LINE ? cap : MAX_LINE;
		}
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return broken(c, "lost the connection to syrupd: %s",
				      r ? strerror(errno) : "it closed the connection without answering");
		c->len += r;
	}
	*line_len = nl - c->buf;
	return 0;
}

/* Takes syrupd's error object apart into c->err; returns the kind's code. */
static int daemon_error(struct sy_client *c, const cJSON *error)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(error, "kind");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(error, "message");
	const cJSON *file = cJSON_GetObjectItemCaseSensitive(error, "file");
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(error, "line");
	const char *k = cJSON_IsString(kind) ? kind->valuestring : "internal";
	int code = code_of_kind(k);

	fail(&c->err, code, k, "%s", cJSON_IsString(msg) ? msg->valuestring : "syrupd gave no message");
	if (cJSON_IsString(file))
		copy_str(c->err.file, sizeof(c->err.file), file->valuestring);
	if (cJSON_IsNumber(line))
		c->err.line = line->valueint;
	return code;
}

/*
 * Sends req (always freed) with descriptors fds[0..nfds) (none: nfds 0) and
 * waits for the answer. On success *answer holds the parsed answer line (the
 * caller frees it) and *result its "result".
 */
static int request_with_fds(struct sy_client *c, cJSON *req, const int *fds, int nfds, cJSON **answer,
			    const cJSON **result)
{
	char *text = req ? cJSON_PrintUnformatted(req) : NULL;
	size_t n, line_len = 0;
	const cJSON *ok, *error;
	const char *end;
	cJSON *a;
	int r;

	cJSON_Delete(req);
	if (!text)
		return fail(&c->err, -ENOMEM, "out-of-memory", "no memory for the request");
	n = strlen(text);
	if (n >= MAX_LINE) {
		cJSON_free(text);
		return fail(&c->err, -EINVAL, "invalid-argument", "the request is %zu bytes; syrupd takes at most 4 MiB", n);
	}
	if (c->fd < 0 && (c->fd = connect_socket(&c->err, c->path)) < 0) {
		r = c->fd;
		c->fd = -1;
		cJSON_free(text);
		return r;
	}
	text[n] = '\n'; /* in place of the NUL: the line and its newline go in one write, with the fds */
	r = nfds ? send_with_fds(c, text, n + 1, fds, nfds) : send_all(c, text, n + 1);
	cJSON_free(text);
	if (r || (r = recv_line(c, &line_len)))
		return r;

	a = cJSON_ParseWithLengthOpts(c->buf, line_len, &end, false);
	while (a && end < c->buf + line_len && strchr(" \t\r", *end))
		end++;
	if (a && end != c->buf + line_len) { /* trailing bytes after the JSON value */
		cJSON_Delete(a);
		a = NULL;
	}
	c->len -= line_len + 1;
	memmove(c->buf, c->buf + line_len + 1, c->len);
	ok = cJSON_GetObjectItemCaseSensitive(a, "ok");
	error = cJSON_GetObjectItemCaseSensitive(a, "error");
	*result = cJSON_GetObjectItemCaseSensitive(a, "result");
	if (cJSON_IsTrue(ok) && cJSON_IsObject(*result)) {
		*answer = a;
		return 0;
	}
	r = cJSON_IsFalse(ok) && cJSON_IsObject(error) ? daemon_error(c, error)
		: broken(c, "%s", a ? "syrupd's answer has neither a result nor an error" : "syrupd's answer is not JSON");
	cJSON_Delete(a);
	return r;
}

static int request(struct sy_client *c, cJSON *req, cJSON **answer, const cJSON **result)
{
	return request_with_fds(c, req, NULL, 0, answer, result);
}

/* A new request {"op": op, "id": id}; id may be NULL. */
static cJSON *new_request(const char *op, const char *id)
{
	cJSON *req = cJSON_CreateObject();

	if (!req || !cJSON_AddStringToObject(req, "op", op) || (id && !cJSON_AddStringToObject(req, "id", id))) {
		cJSON_Delete(req);
		return NULL;
	}
	return req;
}

/* Adds "policy": {"name": file, "source": its text}; frees req on failure. */
static int add_policy(struct sy_client *c, cJSON **req, const char *file)
{
	char *src = NULL;
	cJSON *policy;
	int r;

	if (!is_utf8((const unsigned char *)file, strlen(file))) {
		cJSON_Delete(*req);
		return fail(&c->err, -EINVAL, "invalid-argument", "the policy's path is not UTF-8");
	}
	if ((r = read_policy(&c->err, file, &src))) {
		cJSON_Delete(*req);
		return r;
	}
	policy = *req ? cJSON_AddObjectToObject(*req, "policy") : NULL;
	if (!policy || !cJSON_AddStringToObject(policy, "name", file) || !cJSON_AddStringToObject(policy, "source", src)) {
		cJSON_Delete(*req);
		*req = NULL; /* request() reports it as out of memory */
	}
	free(src);
	return 0;
}

static cJSON *hook_json(const struct sy_hook *h)
{
	cJSON *o = cJSON_CreateObject(), *cpus;
	bool thread = !strcmp(h->hook, "thread");
	bool ok = o && cJSON_AddStringToObject(o, "hook", h->hook) &&
		  (thread || cJSON_AddNumberToObject(o, "port", h->port)) &&
		  (!h->protocol || cJSON_AddStringToObject(o, "protocol", h->protocol)) &&
		  (!h->netns || cJSON_AddStringToObject(o, "netns", h->netns)) &&
		  (!h->interface || cJSON_AddStringToObject(o, "interface", h->interface)) &&
		  (!h->pid || cJSON_AddNumberToObject(o, "pid", h->pid)) &&
		  (!h->sockets || cJSON_AddNumberToObject(o, "sockets", h->sockets)) &&
		  (!h->cgroup || cJSON_AddStringToObject(o, "cgroup", h->cgroup)) &&
		  (!h->threads || cJSON_AddStringToObject(o, "threads", h->threads));

	if (ok && h->ncpus) {
		cpus = cJSON_CreateIntArray(h->cpus, h->ncpus);
		ok = cpus && cJSON_AddItemToObject(o, "cpus", cpus);
		if (!ok)
			cJSON_Delete(cpus);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int sy_deploy_policy(struct sy_client *c, const char *policy_file, const struct sy_hook *hooks, int nhooks,
		     char id_out[SY_ID_MAX])
{
	const cJSON *result, *id;
	cJSON *req, *arr, *answer;
	int r;

	if (!c || !policy_file || nhooks <= 0 || !hooks || !id_out)
		return fail(err_of(c), -EINVAL, "invalid-argument", "a client, a policy, hooks and room for the id are needed");
	clear(&c->err);
	for (int i = 0; i < nhooks; i++)
		if (!hooks[i].hook || hooks[i].ncpus < 0 || (hooks[i].ncpus && !hooks[i].cpus))
			return fail(&c->err, -EINVAL, "invalid-argument", "hook %d needs a name, and cpus for its ncpus", i);
	req = new_request("deploy", NULL);
	if ((r = add_policy(c, &req, policy_file)))
		return r;
	arr = req ? cJSON_AddArrayToObject(req, "hooks") : NULL;
	for (int i = 0; arr && i < nhooks; i++) {
		cJSON *h = hook_json(&hooks[i]);

		if (!h || !cJSON_AddItemToArray(arr, h)) {
			cJSON_Delete(h);
			arr = NULL;
		}
	}
	if (!arr) {
		cJSON_Delete(req);
		req = NULL;
	}
	if ((r = request(c, req, &answer, &result)))
		return r;
	id = cJSON_GetObjectItemCaseSensitive(result, "id");
	if (!cJSON_IsString(id) || !*id->valuestring || strlen(id->valuestring) >= SY_ID_MAX)
		r = fail(&c->err, -EIO, "protocol", "syrupd's deployment has no usable id");
	else
		copy_str(id_out, SY_ID_MAX, id->valuestring);
	cJSON_Delete(answer);
	return r;
}

int sy_deploy_policy_once(const char *policy_file, const struct sy_hook *hooks, int nhooks, char id_out[SY_ID_MAX])
{
	struct sy_client *c = sy_connect(NULL);
	int r;

	if (!c)
		return -errno;
	r = sy_deploy_policy(c, policy_file, hooks, nhooks, id_out);
	thread_err = c->err;
	sy_close(c);
	return r;
}

/* Runs a request whose result carries nothing the caller needs. */
static int simple_request(struct sy_client *c, cJSON *req)
{
	const cJSON *result;
	cJSON *answer;
	int r = request(c, req, &answer, &result);

	if (!r)
		cJSON_Delete(answer);
	return r;
}

int sy_replace_policy(struct sy_client *c, const char *id, const char *policy_file)
{
	cJSON *req;
	int r;

	if (!c || !id || !policy_file)
		return fail(err_of(c), -EINVAL, "invalid-argument", "a client, an id and a policy are needed");
	clear(&c->err);
	req = new_request("replace", id);
	if ((r = add_policy(c, &req, policy_file)))
		return r;
	return simple_request(c, req);
}

int sy_remove_policy(struct sy_client *c, const char *id)
{
	if (!c || !id)
		return fail(err_of(c), -EINVAL, "invalid-argument", "a client and an id are needed");
	clear(&c->err);
	return simple_request(c, new_request("remove", id));
}

int sy_register_xsk(struct sy_client *c, const char *id, const int *fds, int nfds)
{
	const cJSON *result;
	cJSON *req, *answer;
	int r;

	if (!c || !id || !fds || nfds <= 0 || nfds > SY_MAX_XSK)
		return fail(err_of(c), -EINVAL, "invalid-argument",
			    "a client, an id and 1 to %d AF_XDP socket descriptors are needed", SY_MAX_XSK);
	clear(&c->err);
	req = new_request("xsk.register", id);
	if (req && !cJSON_AddNumberToObject(req, "sockets", nfds)) {
		cJSON_Delete(req);
		req = NULL;
	}
	if ((r = request_with_fds(c, req, fds, nfds, &answer, &result)))
		return r;
	cJSON_Delete(answer);
	return 0;
}

/* thread.register or thread.unregister of tids[0..ntids) with deployment id. */
static int threads_request(struct sy_client *c, const char *op, const char *id, const pid_t *tids, int ntids)
{
	cJSON *req, *arr;

	if (!c || !id || !tids || ntids <= 0)
		return fail(err_of(c), -EINVAL, "invalid-argument", "a client, an id and at least one thread id are needed");
	clear(&c->err);
	req = new_request(op, id);
	arr = req ? cJSON_AddArrayToObject(req, "tids") : NULL;
	for (int i = 0; arr && i < ntids; i++) {
		cJSON *t = cJSON_CreateNumber(tids[i]);

		if (!t || !cJSON_AddItemToArray(arr, t)) {
			cJSON_Delete(t);
			arr = NULL;
		}
	}
	if (!arr) {
		cJSON_Delete(req);
		req = NULL;
	}
	return simple_request(c, req);
}

int sy_register_threads(struct sy_client *c, const char *id, const pid_t *tids, int ntids)
{
	return threads_request(c, "thread.register", id, tids, ntids);
}

int sy_register_thread(struct sy_client *c, const char *id)
{
	pid_t self = (pid_t)syscall(SYS_gettid);

	return sy_register_threads(c, id, &self, 1);
}

int sy_unregister_threads(struct sy_client *c, const char *id, const pid_t *tids, int ntids)
{
	return threads_request(c, "thread.unregister", id, tids, ntids);
}

int sy_unregister_thread(struct sy_client *c, const char *id)
{
	pid_t self = (pid_t)syscall(SYS_gettid);

	return sy_unregister_threads(c, id, &self, 1);
}

/* Lowercase hex of n bytes, NUL-terminated, in a new cJSON string item. */
static cJSON *hex_item(const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * n + 1);
	cJSON *item;

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[((const unsigned char *)p)[i] >> 4];
		s[2 * i + 1] = digits[((const unsigned char *)p)[i] & 0xf];
	}
	s[2 * n] = '\0';
	item = cJSON_CreateString(s);
	free(s);
	return item;
}

static int hex_digit(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
		: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* True if item is a non-empty string of whole hex bytes. */
static bool is_hex(const cJSON *item)
{
	size_t n = cJSON_IsString(item) ? strlen(item->valuestring) : 0;

	for (size_t i = 0; i < n; i++)
		if (hex_digit(item->valuestring[i]) < 0)
			return false;
	return n && n % 2 == 0;
}

/* {"op": op, "id": id, "map": map, "key": hex} */
static cJSON *map_request(const char *op, const char *id, const char *map, const void *key, size_t key_size)
{
	cJSON *req = new_request(op, id);
	cJSON *k = hex_item(key, key_size);

	if (!req || !k || !cJSON_AddStringToObject(req, "map", map) || !cJSON_AddItemToObject(req, "key", k)) {
		cJSON_Delete(req);
		cJSON_Delete(k);
		return NULL;
	}
	return req;
}

static int check_map_args(struct sy_client *c, const char *id, const char *map, const void *key, size_t key_size)
{
	if (!c || !id || !map || !key || !key_size)
		return fail(err_of(c), -EINVAL, "invalid-argument", "a client, an id, a map and a key are needed");
	clear(&c->err);
	return 0;
}

int sy_map_get(struct sy_client *c, const char *id, const char *map, const void *key, size_t key_size, void *value,
	       size_t value_size)
{
	const cJSON *result, *hex;
	cJSON *answer;
	size_t len;
	int r;

	if ((r = check_map_args(c, id, map, key, key_size)))
		return r;
	if (!value || !value_size)
		return fail(&c->err, -EINVAL, "invalid-argument", "room for the value is needed");
	if ((r = request(c, map_request("map.get", id, map, key, key_size), &answer, &result)))
		return r;
	hex = cJSON_GetObjectItemCaseSensitive(result, "value");
	len = is_hex(hex) ? strlen(hex->valuestring) / 2 : 0;
	if (!len)
		r = fail(&c->err, -EIO, "protocol", "syrupd's map value is not hex");
	else if (len != value_size)
		r = fail(&c->err, -EINVAL, "invalid-argument", "values in map %s are %zu bytes, not %zu", map, len,
			 value_size);
	for (size_t i = 0; !r && i < len; i++)
		((unsigned char *)value)[i] = hex_digit(hex->valuestring[2 * i]) << 4 | hex_digit(hex->valuestring[2 * i + 1]);
	cJSON_Delete(answer);
	return r;
}

int sy_map_set(struct sy_client *c, const char *id, const char *map, const void *key, size_t key_size,
	       const void *value, size_t value_size)
{
	cJSON *req, *v;
	int r;

	if ((r = check_map_args(c, id, map, key, key_size)))
		return r;
	if (!value || !value_size)
		return fail(&c->err, -EINVAL, "invalid-argument", "a value is needed");
	req = map_request("map.set", id, map, key, key_size);
	v = hex_item(value, value_size);
	if (!req || !v || !cJSON_AddItemToObject(req, "value", v)) {
		cJSON_Delete(req);
		cJSON_Delete(v);
		req = NULL;
	}
	return simple_request(c, req);
}

int sy_map_delete(struct sy_client *c, const char *id, const char *map, const void *key, size_t key_size)
{
	const cJSON *result, *deleted;
	cJSON *answer;
	int r;

	if ((r = check_map_args(c, id, map, key, key_size)))
		return r;
	if ((r = request(c, map_request("map.delete", id, map, key, key_size), &answer, &result)))
		return r;
	deleted = cJSON_GetObjectItemCaseSensitive(result, "deleted");
	if (!cJSON_IsBool(deleted))
		r = fail(&c->err, -EIO, "protocol", "syrupd's answer to map.delete has no \"deleted\"");
	else if (cJSON_IsFalse(deleted))
		r = fail(&c->err, -ENOENT, "not-found", "the key is not in map %s", map);
	cJSON_Delete(answer);
	return r;
}

const char *sy_last_error(const struct sy_client *c)
{
	return c ? c->err.message : thread_err.message;
}

const char *sy_last_error_kind(const struct sy_client *c)
{
	return c ? c->err.kind : thread_err.kind;
}

const char *sy_last_error_file(const struct sy_client *c)
{
	return c ? c->err.file : thread_err.file;
}

int sy_last_error_line(const struct sy_client *c)
{
	return c ? c->err.line : thread_err.line;
}
