// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * udp_workers: a UDP server that plays the application in the tests.
 *
 * Opens N SO_REUSEPORT sockets bound to the same address, one receiving thread
 * each (--rcvbuf sizes their receive buffers; the kernel default otherwise).
 * Socket i is the i-th lowest fd of the group, which is what the socket-select
 * hook calls executor i. Counts datagrams per socket and the first payload
 * byte of each datagram, and answers commands on stdin. With --tcp the sockets
 * listen instead, and each accepted connection counts once (its first byte goes
 * to the histogram): TCP is steered per connection.
 *
 *   COUNTS   -> COUNTS <n0> <n1> ...
 *   HIST <i> -> HIST <i> <byte>=<count> ...   (non-zero bins only)
 *   RESET    -> OK
 *   QUIT     -> exits (so does EOF on stdin, or SIGTERM)
 *
 * Unknown commands are answered with one "ERR ..." line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SOCKETS 64

struct worker {
	int idx;
	int fd;
	int reply;
	int tcp;
	atomic_ullong count;
	atomic_ullong hist[256];
};

static struct worker workers[MAX_SOCKETS];

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s --port P [--sockets N (1..%d, default 4)] "
		"[--addr IPv4 (default 0.0.0.0)] [--reply] [--rcvbuf BYTES] [--tcp]\n", prog, MAX_SOCKETS);
	exit(2);
}

/* A whole-string decimal in [lo, hi], or the usage error. */
static int parse_int(const char *prog, const char *s, int lo, int hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage(prog);
	return (int)v;
}

static void *recv_loop(void *arg)
{
	struct worker *w = arg;
	unsigned char buf[65536], idx = (unsigned char)w->idx;
	struct sockaddr_in src;

	for (;;) {
		socklen_t len = sizeof(src);
		ssize_t n = recvfrom(w->fd, buf, sizeof(buf), 0, (struct sockaddr *)&src, &len);

		if (n < 0)
			continue; /* EINTR and the like: keep serving */
		atomic_fetch_add_explicit(&w->count, 1, memory_order_relaxed);
		if (n > 0)
			atomic_fetch_add_explicit(&w->hist[buf[0]], 1, memory_order_relaxed);
		if (w->reply)
			sendto(w->fd, &idx, 1, 0, (struct sockaddr *)&src, len);
	}
	return NULL;
}

/* TCP: one count per accepted connection; reads it to the end, replying once. */
static void *accept_loop(void *arg)
{
	struct worker *w = arg;
	unsigned char buf[4096], idx = (unsigned char)w->idx;

	for (;;) {
		int c = accept(w->fd, NULL, NULL);
		ssize_t n, first = -1;

		if (c < 0)
			continue;
		atomic_fetch_add_explicit(&w->count, 1, memory_order_relaxed);
		while ((n = read(c, buf, sizeof(buf))) > 0) {
			if (first < 0) {
				first = buf[0];
				atomic_fetch_add_explicit(&w->hist[buf[0]], 1, memory_order_relaxed);
				if (w->reply)
					write(c, &idx, 1);
			}
		}
		close(c);
	}
	return NULL;
}

static void on_sigterm(int sig)
{
	_exit(0);
}

static void handle(char *line, int n)
{
	int i;

	if (!strcmp(line, "COUNTS")) {
		printf("COUNTS");
		for (i = 0; i < n; i++)
			printf(" %llu", atomic_load(&workers[i].count));
	} else if (sscanf(line, "HIST %d", &i) == 1 && i >= 0 && i < n) {
		printf("HIST %d", i);
		for (int b = 0; b < 256; b++) {
			unsigned long long c = atomic_load(&workers[i].hist[b]);
			if (c)
				printf(" %d=%llu", b, c);
		}
	} else if (!strcmp(line, "RESET")) {
		for (i = 0; i < n; i++) {
			atomic_store(&workers[i].count, 0);
			for (int b = 0; b < 256; b++)
				atomic_store(&workers[i].hist[b], 0);
		}
		printf("OK");
	} else {
		printf("ERR unknown command '%s' (COUNTS, HIST <0..%d>, RESET, QUIT)", line, n - 1);
	}
	printf("\n");
	if (fflush(stdout))
		exit(1); /* nobody is listening any more */
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "sockets", required_argument, NULL, 'n' },
		{ "addr", required_argument, NULL, 'a' },
		{ "reply", no_argument, NULL, 'r' },
		{ "rcvbuf", required_argument, NULL, 'b' },
		{ "tcp", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	int port = -1, n = 4, reply = 0, rcvbuf = 0, tcp = 0, opt, one = 1;
	char line[256];
	pthread_t tid;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': port = parse_int(argv[0], optarg, 1, 65535); break;
		case 'n': n = parse_int(argv[0], optarg, 1, MAX_SOCKETS); break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &addr.sin_addr) != 1)
				usage(argv[0]);
			break;
		case 'r': reply = 1; break;
		case 'b': rcvbuf = parse_int(argv[0], optarg, 1, 1 << 30); break;
		case 't': tcp = 1; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc || port < 0)
		usage(argv[0]);
	addr.sin_port = htons(port);
	signal(SIGTERM, on_sigterm);
	signal(SIGPIPE, SIG_IGN);

	/* Created one after the other, so the fds come out ascending. */
	for (int i = 0; i < n; i++) {
		struct worker *w = &workers[i];

		w->idx = i;
		w->reply = reply;
		w->tcp = tcp;
		w->fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
		if (w->fd < 0) {
			perror("socket");
			return 1;
		}
		if (setsockopt(w->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) {
			perror("setsockopt(SO_REUSEPORT)");
			return 1;
		}
		/* FORCE lifts the net.core.rmem_max cap for a privileged caller. */
		if (rcvbuf && setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) &&
		    setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf))) {
			perror("setsockopt(SO_RCVBUF)");
			return 1;
		}
		if (bind(w->fd, (struct sockaddr *)&addr, sizeof(addr))) {
			fprintf(stderr, "bind %s:%d: %s\n", inet_ntoa(addr.sin_addr), port, strerror(errno));
			return 1;
		}
		if (tcp && listen(w->fd, 1024)) {
			perror("listen");
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		if ((errno = pthread_create(&tid, NULL, tcp ? accept_loop : recv_loop, &workers[i]))) {
			perror("pthread_create");
			return 1;
		}
	}

	printf("READY pid=%d fds=", (int)getpid());
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", workers[i].fd);
	printf("\n");
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!strcmp(line, "QUIT"))
			break;
		handle(line, n);
	}
	return 0;
}
