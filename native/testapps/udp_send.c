// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * udp_send: sends COUNT UDP datagrams to an IPv4 address, spread round-robin
 * over K source sockets (K distinct source ports, so K flows for the kernel's
 * reuseport hash). Prints "SENT <n>" when done.
 *
 * With --wait-replies it waits up to 1 s after each datagram for the 1-byte
 * reply of a `udp_workers --reply` server (the index of the socket that served
 * it) and, before SENT, prints "REPLIES <n0> <n1> ...": replies per server
 * socket index, up to the highest index that replied (at most 64 columns).
 *
 * With --tcp each "datagram" is a connection instead: connect, write the
 * payload, (read the reply,) close. TCP is steered per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD 65507 /* largest UDP payload over IPv4 */
#define MAX_SRC_PORTS 4096
#define MAX_CYCLE 256
#define MAX_REPLY_IDX 64
/*
 * Without --interval-us, pause after every BURST datagrams. A receiver's
 * default socket buffer holds roughly 280 one-byte or 90 1400-byte datagrams;
 * short pauses give its thread a chance to drain them when the sender runs
 * ahead (4000 datagrams take about 60 ms this way). Pacing cannot help when
 * the receiver gets no CPU at all for milliseconds on a saturated machine.
 */
#define BURST 64
#define BURST_PAUSE_US 200

/*
 * One TCP connection carrying the payload. Returns the server's 1-byte reply
 * (0..255) when wait_reply is set and it came, -1 when none came, -2 on error.
 */
static int tcp_exchange(const struct sockaddr_in *dst, const char *payload, long len, int wait_reply)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), out = -1;
	unsigned char idx;

	if (fd < 0 || connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) ||
	    (len && write(fd, payload, len) != len)) {
		out = -2;
	} else if (wait_reply) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 1000) == 1 && read(fd, &idx, 1) == 1)
			out = idx;
	}
	if (fd >= 0)
		close(fd);
	return out;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s --dst IPv4 --port P --count N [--src-ports K (default 1)]\n"
		"          [--payload TEXT | --payload-cycle B0,B1,...] [--size S]\n"
		"          [--interval-us U] [--wait-replies] [--tcp]\n", prog);
	exit(2);
}

static long parse_num(const char *prog, const char *what, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "%s: bad %s '%s' (expected %ld..%ld)\n", prog, what, s, lo, hi);
		usage(prog);
	}
	return v;
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "src-ports", required_argument, NULL, 'k' },
		{ "payload", required_argument, NULL, 'P' },
		{ "payload-cycle", required_argument, NULL, 'C' },
		{ "size", required_argument, NULL, 's' },
		{ "interval-us", required_argument, NULL, 'i' },
		{ "wait-replies", no_argument, NULL, 'w' },
		{ "tcp", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	static char payload[MAX_PAYLOAD];
	static int fds[MAX_SRC_PORTS];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	long port = -1, count = -1, k = 1, size = -1, interval = 0, len = 0, sent = 0;
	long replies[MAX_REPLY_IDX] = { 0 };
	unsigned char cycle[MAX_CYCLE];
	int have_dst = 0, ncycle = 0, wait_replies = 0, tcp = 0, opt, top = -1;
	const char *prog = argv[0];

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (inet_pton(AF_INET, optarg, &dst.sin_addr) != 1) {
				fprintf(stderr, "%s: --dst '%s' is not an IPv4 address\n", prog, optarg);
				usage(prog);
			}
			have_dst = 1;
			break;
		case 'p': port = parse_num(prog, "--port", optarg, 1, 65535); break;
		case 'c': count = parse_num(prog, "--count", optarg, 0, 1L << 40); break;
		case 'k': k = parse_num(prog, "--src-ports", optarg, 1, MAX_SRC_PORTS); break;
		case 's': size = parse_num(prog, "--size", optarg, 0, MAX_PAYLOAD); break;
		case 'i': interval = parse_num(prog, "--interval-us", optarg, 0, 10000000); break;
		case 'w': wait_replies = 1; break;
		case 't': tcp = 1; break;
		case 'P':
			len = strlen(optarg);
			if (len > MAX_PAYLOAD)
				usage(prog);
			memcpy(payload, optarg, len);
			break;
		case 'C':
			for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				if (ncycle == MAX_CYCLE)
					usage(prog);
				cycle[ncycle++] = parse_num(prog, "--payload-cycle byte", tok, 0, 255);
			}
			if (!ncycle)
				usage(prog);
			len = 1;
			break;
		default: usage(prog);
		}
	}
	if (optind != argc || !have_dst || port < 0 || count < 0)
		usage(prog);
	if (size >= 0) {
		if (size < len) {
			fprintf(stderr, "%s: --size %ld is smaller than the payload (%ld bytes)\n", prog, size, len);
			return 2;
		}
		memset(payload + len, 'x', size - len);
		len = size;
	}
	dst.sin_port = htons(port);

	for (long i = 0; !tcp && i < k; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[i] < 0) {
			perror("socket");
			return 1;
		}
	}

	for (long j = 0; j < count; j++) {
		int fd = fds[j % k];

		if (ncycle)
			payload[0] = cycle[j % ncycle];
		if (tcp) {
			int r = tcp_exchange(&dst, payload, len, wait_replies);
			if (r == -2) {
				fprintf(stderr, "tcp %s:%ld (connection %ld): %s\n", inet_ntoa(dst.sin_addr), port, j,
					strerror(errno));
				return 1;
			}
			sent++;
			if (r >= 0 && r < MAX_REPLY_IDX) {
				replies[r]++;
				if (r > top)
					top = r;
			}
			continue;
		}
		if (sendto(fd, payload, len, 0, (struct sockaddr *)&dst, sizeof(dst)) != len) {
			fprintf(stderr, "sendto %s:%ld (datagram %ld): %s\n", inet_ntoa(dst.sin_addr),
				port, j, strerror(errno));
			return 1;
		}
		sent++;
		if (wait_replies) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			unsigned char idx;

			if (poll(&p, 1, 1000) == 1 && recv(fd, &idx, 1, 0) == 1 && idx < MAX_REPLY_IDX) {
				replies[idx]++;
				if (idx > top)
					top = idx;
			}
		}
		if (interval)
			sleep_us(interval);
		else if (!wait_replies && (j + 1) % BURST == 0)
			sleep_us(BURST_PAUSE_US);
	}

	if (wait_replies) {
		printf("REPLIES");
		for (int i = 0; i <= top; i++)
			printf(" %ld", replies[i]);
		printf("\n");
	}
	printf("SENT %ld\n", sent);
	return fflush(stdout) ? 1 : 0;
}
