// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_syrup_client: libsyrup's API against a fake syrupd served by a thread
 * of this program. It checks what ClibProtocolTest cannot see through
 * syrup_ctl: the codes each error kind maps to, several requests on one
 * connection, reconnecting after a broken one, EINTR and SIGPIPE, and the
 * per-thread error of calls without a client. Prints "ok" and exits 0, or
 * names each failed check and exits 1.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "syrup_client.h"

#define CLOSE "<close>"     /* read the request, then hang up without answering */
#define HANGUP "<hangup>"   /* hang up as soon as the connection is accepted */
#define SLOW "<slow>"       /* prefix: answer after 100 ms */
#define MAX_REQUESTS 64

static int failures;

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                 \
		}                                                                   \
	} while (0)

/* The fake syrupd: answers requests in order from script, across connections. */
static const char *const *script;
static int listen_fd, next_answer, nconns;
static int nrequests;
static struct { int conn; char text[4096]; } requests[MAX_REQUESTS];

static void answer(int fd, const char *a)
{
	if (!strncmp(a, SLOW, strlen(SLOW))) {
		usleep(100 * 1000);
		a += strlen(SLOW);
	}
	/* MSG_NOSIGNAL: a SIGPIPE in this program must come from the library. */
	if (send(fd, a, strlen(a), MSG_NOSIGNAL) < 0 || send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
		perror("fake syrupd: send");
}

static void converse(int fd, int conn)
{
	char chunk[65536];
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			const char *a;

			if (chunk[i] != '\n') {
				if (nrequests < MAX_REQUESTS && len < sizeof(requests[0].text) - 1)
					requests[nrequests].text[len++] = chunk[i];
				continue;
			}
			requests[nrequests].conn = conn;
			requests[nrequests].text[len] = '\0';
			nrequests += nrequests < MAX_REQUESTS - 1;
			len = 0;
			a = script[next_answer] ? script[next_answer++] : CLOSE;
			if (!strcmp(a, CLOSE))
				return;
			answer(fd, a);
		}
	}
}

static void *serve(void *arg __attribute__((unused)))
{
	int fd;

	while ((fd = accept(listen_fd, NULL, NULL)) >= 0) {
		nconns++;
		if (script[next_answer] && !strcmp(script[next_answer], HANGUP))
			next_answer++;
		else
			converse(fd, nconns);
		close(fd);
	}
	return NULL;
}

static int interrupts;

static void on_alarm(int sig __attribute__((unused)))
{
	interrupts++;
}

/* Runs fn(c) while SIGALRM interrupts system calls every 2 ms. */
static int interrupted(int (*fn)(struct sy_client *), struct sy_client *c)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: calls fail with EINTR */
	struct itimerval every = { { 0, 2000 }, { 0, 2000 } }, off = { { 0, 0 }, { 0, 0 } };
	int r;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	r = fn(c);
	setitimer(ITIMER_REAL, &off, NULL);
	return r;
}

static int remove_x(struct sy_client *c)
{
	return sy_remove_policy(c, "x");
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(2);
	}
}

int main(void)
{
	static const char *const answers[] = {
		"{\"ok\":true,\"result\":{\"id\":\"3f9c2a1b\",\"targets\":[]}}",
		"{\"ok\":true,\"result\":{\"value\":\"2a00000000000000\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"invalid-request\",\"message\":\"m\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"compile\",\"message\":\"rr.c:3: error: x\",\"file\":\"rr.c\",\"line\":3}}",
		"{\"ok\":false,\"error\":{\"kind\":\"verifier\",\"message\":\"rr.c:7: rejected\",\"file\":\"rr.c\",\"line\":7}}",
		"{\"ok\":false,\"error\":{\"kind\":\"not-found\",\"message\":\"m\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"forbidden\",\"message\":\"m\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"conflict\",\"message\":\"m\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"unavailable\",\"message\":\"m\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"internal\",\"message\":\"m\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"from-the-future\",\"message\":\"m\"}}",
		"{\"ok\":true,\"result\":{}}", /* clears the last error */
		SLOW "{\"ok\":true,\"result\":{}}", /* under EINTR */
		CLOSE, /* -EIO; the next call reconnects */
		"{\"ok\":true,\"result\":{\"deleted\":false}}",
		"{\"ok\":true,\"result\":{\"value\":\"2a000000\"}}",
		HANGUP, /* while a 1 MiB policy is being sent: EPIPE, not SIGPIPE */
		"{\"ok\":true,\"result\":{\"id\":\"once\"}}",
		"{\"ok\":false,\"error\":{\"kind\":\"verifier\",\"message\":\"rr.c:7: rejected\",\"file\":\"rr.c\",\"line\":7}}",
		NULL,
	};
	static const struct { const char *kind; int code; } kinds[] = {
		{ "invalid-request", -EINVAL }, { "compile", -EBADMSG },  { "verifier", -EBADMSG },
		{ "not-found", -ENOENT },       { "forbidden", -EACCES }, { "conflict", -EEXIST },
		{ "unavailable", -EAGAIN },     { "internal", -EREMOTEIO }, { "from-the-future", -EREMOTEIO },
	};
	char dir[] = "/tmp/syrup-client-test.XXXXXX", sock[128], policy[160], big[160], id[SY_ID_MAX];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const int cpus[] = { 0, 1 };
	const struct sy_hook hooks[] = {
		{ .hook = "socket-select", .port = 9000 },
		{ .hook = "xdp-cpu", .port = 9000, .protocol = "tcp", .netns = "app", .interface = "eth0", .cpus = cpus, .ncpus = 2 },
	};
	static char big_text[1 << 20];
	struct sy_client *c;
	pthread_t server;
	sigset_t alrm;
	unsigned long long v64 = 0;
	unsigned int key = 42;
	char expected[512];
	int before;

	if (!mkdtemp(dir))
		return perror("mkdtemp"), 2;
	snprintf(sock, sizeof(sock), "%s/syrupd.sock", dir);
	snprintf(policy, sizeof(policy), "%s/rr.c", dir);
	snprintf(big, sizeof(big), "%s/big.c", dir);
	write_file(policy, "\"q\"\t\\\n", 6);
	memset(big_text, 'x', sizeof(big_text));
	write_file(big, big_text, sizeof(big_text));
	strcpy(addr.sun_path, sock);
	script = answers;
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* The fake serves with SIGALRM blocked, so the alarms interrupt the client's calls. */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(listen_fd, 8) ||
	    pthread_create(&server, NULL, serve, NULL))
		return perror("fake syrupd"), 2;
	pthread_sigmask(SIG_UNBLOCK, &alrm, NULL);

	c = sy_connect(sock);
	CHECK(c);
	if (!c)
		return 1;
	CHECK(sy_deploy_policy(c, policy, hooks, 2, id) == 0);
	CHECK(!strcmp(id, "3f9c2a1b"));
	CHECK(sy_map_get(c, id, "counts", &key, sizeof(key), &v64, sizeof(v64)) == 0 && v64 == 42);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		CHECK(sy_remove_policy(c, id) == kinds[i].code);
		CHECK(!strcmp(sy_last_error_kind(c), kinds[i].kind));
	}
	CHECK(!strcmp(sy_last_error(c), "m") && !strcmp(sy_last_error_file(c), "") && sy_last_error_line(c) == 0);
	CHECK(sy_remove_policy(c, id) == 0);
	CHECK(!strcmp(sy_last_error(c), "") && !strcmp(sy_last_error_kind(c), ""));
	CHECK(nconns == 1 && requests[nrequests - 1].conn == 1);

	CHECK(interrupted(remove_x, c) == 0);
	CHECK(interrupts > 10);

	CHECK(sy_remove_policy(c, id) == -EIO && !strcmp(sy_last_error_kind(c), "protocol"));
	CHECK(sy_map_delete(c, id, "counts", &key, sizeof(key)) == -ENOENT);
	CHECK(!strcmp(sy_last_error_kind(c), "not-found"));
	CHECK(requests[nrequests - 1].conn == 2);
	CHECK(sy_map_get(c, id, "counts", &key, sizeof(key), &v64, sizeof(v64)) == -EINVAL);
	CHECK(!strcmp(sy_last_error(c), "values in map counts are 4 bytes, not 8"));

	sy_close(c);
	c = sy_connect(sock); /* syrupd hangs up on this one */
	CHECK(c);
	if (!c)
		return 1;
	before = nrequests;
	CHECK(sy_deploy_policy(c, big, hooks, 1, id) == -EIO);
	CHECK(!strcmp(sy_last_error_kind(c), "protocol"));
	CHECK(nrequests == before);

	/* Refused before anything is sent. */
	CHECK(sy_replace_policy(c, id, "/nonexistent/rr.c") == -ENOENT);
	CHECK(!strcmp(sy_last_error_kind(c), "policy-file"));
	CHECK(sy_deploy_policy(c, policy, hooks, 0, id) == -EINVAL);
	CHECK(sy_map_set(c, id, "counts", &key, 0, &v64, sizeof(v64)) == -EINVAL);
	CHECK(!strcmp(sy_last_error_kind(c), "invalid-argument"));
	CHECK(nrequests == before);
	sy_close(c);

	/* Without a client, errors are the thread's. */
	CHECK(sy_remove_policy(NULL, "x") == -EINVAL && !strcmp(sy_last_error_kind(NULL), "invalid-argument"));
	CHECK(!sy_connect("/nonexistent/syrupd.sock") && errno == ECONNREFUSED);
	CHECK(!strcmp(sy_last_error_kind(NULL), "unreachable"));
	setenv("SYRUP_SOCKET", sock, 1);
	CHECK(sy_deploy_policy_once(policy, hooks, 1, id) == 0 && !strcmp(id, "once"));
	CHECK(sy_deploy_policy_once(policy, hooks, 1, id) == -EBADMSG);
	CHECK(!strcmp(sy_last_error_kind(NULL), "verifier") && !strcmp(sy_last_error(NULL), "rr.c:7: rejected"));
	CHECK(!strcmp(sy_last_error_file(NULL), "rr.c") && sy_last_error_line(NULL) == 7);

	/* The first requests, in full. */
	snprintf(expected, sizeof(expected),
		 "{\"op\":\"deploy\",\"policy\":{\"name\":\"%s\",\"source\":\"\\\"q\\\"\\t\\\\\\n\"},\"hooks\":["
		 "{\"hook\":\"socket-select\",\"port\":9000},"
		 "{\"hook\":\"xdp-cpu\",\"port\":9000,\"protocol\":\"tcp\",\"netns\":\"app\",\"interface\":\"eth0\","
		 "\"cpus\":[0,1]}]}", policy);
	CHECK(!strcmp(requests[0].text, expected));
	CHECK(!strcmp(requests[1].text, "{\"op\":\"map.get\",\"id\":\"3f9c2a1b\",\"map\":\"counts\",\"key\":\"2a000000\"}"));

	shutdown(listen_fd, SHUT_RDWR);
	close(listen_fd);
	pthread_join(server, NULL);
	unlink(sock);
	unlink(policy);
	unlink(big);
	rmdir(dir);
	printf(failures ? "%d checks failed\n" : "ok\n", failures);
	return failures ? 1 : 0;
}
