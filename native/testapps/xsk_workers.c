// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xsk_workers: an AF_XDP server with N workers, one AF_XDP socket each, that
 * plays the kernel-bypass application in the tests of the xdp-socket hook.
 *
 * All sockets are bound to one queue of the interface (--queue, default 0)
 * and share one UMEM (XDP_SHARED_UMEM): the kernel then delivers a packet to
 * whichever of them the XDP program redirects it to, so a policy can pick any
 * worker. They share the UMEM's fill ring too, which the workers refill under
 * a lock. Copy mode (XDP_COPY), which every driver has, veth included.
 * libxdp loads no XDP program of its own (INHIBIT_PROG_LOAD): the program on
 * the interface is the one that redirects to these sockets (syrupd's).
 *
 * Worker i is socket i, the i-th lowest fd, which is what the xdp-socket hook
 * calls executor i. With --register ID the application hands its sockets to
 * deployment ID itself, through libsyrup (sy_register_xsk(), syrupd at
 * --syrup-socket or $SYRUP_SOCKET), in worker order; if syrupd refuses, it
 * says why on stderr and exits with status 3. Counts packets per worker and the first UDP payload byte
 * of each, and answers commands on stdin (as udp_workers does):
 *
 *   COUNTS   -> COUNTS <n0> <n1> ...
 *   HIST <i> -> HIST <i> <byte>=<count> ...   (non-zero bins only)
 *   REGISTER <id> <k> -> REGISTERED <k>, or REFUSED <kind>: <message>
 *               (hands workers 0..k-1's sockets to deployment id, as --register)
 *   QUIT     -> exits (so does EOF on stdin, or SIGTERM)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_xdp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include "syrup_client.h"

#define MAX_SOCKETS 64
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE 1024
/* Frames in the UMEM, all of them in the fill ring at first: a frame goes back as soon as its packet is counted. */
#define FRAMES (2 * RING_SIZE)

struct worker {
	struct xsk_socket *xsk;
	struct xsk_ring_cons rx;
	atomic_ullong count;
	atomic_ullong hist[256];
};

static struct worker workers[MAX_SOCKETS];
static struct xsk_ring_prod fill;
static struct xsk_ring_cons comp;
static pthread_mutex_t fill_lock = PTHREAD_MUTEX_INITIALIZER;
static void *umem_area;

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s --interface IF [--queue Q (default 0)] [--sockets N (1..%d, default 4)]\n"
		"          [--register ID [--syrup-socket PATH]]\n", prog, MAX_SOCKETS);
	exit(2);
}

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

/* Hands frames back to the kernel through the shared fill ring. */
static void refill(const __u64 *addrs, unsigned int n)
{
	__u32 idx;

	pthread_mutex_lock(&fill_lock);
	while (xsk_ring_prod__reserve(&fill, n, &idx) != n)
		; /* cannot last: the ring holds every frame of the UMEM */
	for (unsigned int i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(&fill, n);
	pthread_mutex_unlock(&fill_lock);
}

/* The first UDP payload byte of an IPv4 frame, or -1. */
static int first_payload_byte(const unsigned char *p, __u32 len)
{
	const struct ethhdr *eth = (const void *)p;
	if (len < sizeof(*eth) + sizeof(struct iphdr) || eth->h_proto != htons(ETH_P_IP))
		return -1;
	const struct iphdr *ip = (const void *)(p + sizeof(*eth));
	__u32 off = sizeof(*eth) + ip->ihl * 4 + sizeof(struct udphdr);
	if (ip->protocol != IPPROTO_UDP || len <= off)
		return -1;
	return p[off];
}

static void *rx_loop(void *arg)
{
	struct worker *w = arg;
	struct pollfd pfd = { .fd = xsk_socket__fd(w->xsk), .events = POLLIN };
	__u64 addrs[64];

	for (;;) {
		__u32 idx;
		unsigned int n = xsk_ring_cons__peek(&w->rx, 64, &idx);

		if (!n) {
			poll(&pfd, 1, 100);
			continue;
		}
		for (unsigned int i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&w->rx, idx + i);
			int b = first_payload_byte(xsk_umem__get_data(umem_area, d->addr), d->len);

			atomic_fetch_add_explicit(&w->count, 1, memory_order_relaxed);
			if (b >= 0)
				atomic_fetch_add_explicit(&w->hist[b], 1, memory_order_relaxed);
			addrs[i] = xsk_umem__extract_addr(d->addr);
		}
		xsk_ring_cons__release(&w->rx, n);
		refill(addrs, n);
	}
	return NULL;
}

static const char *syrup_socket; /* NULL: $SYRUP_SOCKET, else libsyrup's default */

/*
 * Hands the first n sockets to deployment id through syrupd; 0, or -1 with
 * why in why[].
 */
static int register_sockets(const char *id, int n, char *why, size_t why_size)
{
	int fds[MAX_SOCKETS];
	struct sy_client *c = sy_connect(syrup_socket);

	if (!c) {
		snprintf(why, why_size, "%s: %s", sy_last_error_kind(NULL), sy_last_error(NULL));
		return -1;
	}
	for (int i = 0; i < n; i++)
		fds[i] = xsk_socket__fd(workers[i].xsk);
	int r = sy_register_xsk(c, id, fds, n);
	if (r)
		snprintf(why, why_size, "%s: %s", sy_last_error_kind(c), sy_last_error(c));
	sy_close(c);
	return r ? -1 : 0;
}

static void on_sigterm(int sig)
{
	_exit(0);
}

static void handle(char *line, int n)
{
	char id[SY_ID_MAX], why[4200];
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
	} else if (sscanf(line, "REGISTER %63s %d", id, &i) == 2 && i >= 1 && i <= n) {
		if (register_sockets(id, i, why, sizeof(why)))
			printf("REFUSED %s", why);
		else
			printf("REGISTERED %d", i);
	} else {
		printf("ERR unknown command '%s' (COUNTS, HIST <0..%d>, REGISTER <id> <1..%d>, QUIT)", line, n - 1, n);
	}
	printf("\n");
	if (fflush(stdout))
		exit(1); /* nobody is listening any more */
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "queue", required_argument, NULL, 'q' },
		{ "sockets", required_argument, NULL, 'n' },
		{ "register", required_argument, NULL, 'r' },
		{ "syrup-socket", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *register_id = NULL;
	char why[4200];
	int queue = 0, n = 4, opt, err;
	struct xsk_umem *umem;
	char line[256];
	pthread_t tid;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'q': queue = parse_int(argv[0], optarg, 0, 1 << 16); break;
		case 'n': n = parse_int(argv[0], optarg, 1, MAX_SOCKETS); break;
		case 'r': register_id = optarg; break;
		case 's': syrup_socket = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc || !ifname)
		usage(argv[0]);
	signal(SIGTERM, on_sigterm);

	size_t size = (size_t)FRAMES * FRAME_SIZE;
	umem_area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem_area == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	struct xsk_umem_config ucfg = {
		.fill_size = FRAMES,
		.comp_size = RING_SIZE,
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
	};
	if ((err = xsk_umem__create(&umem, umem_area, size, &fill, &comp, &ucfg))) {
		fprintf(stderr, "xsk_umem__create: %s\n", strerror(-err));
		return 1;
	}
	struct xsk_socket_config cfg = {
		.rx_size = RING_SIZE,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	/* Created one after the other, so the fds come out ascending; the second and later share the
	 * first one's UMEM and, on the same queue, its fill and completion rings. */
	for (int i = 0; i < n; i++) {
		err = xsk_socket__create_shared(&workers[i].xsk, ifname, queue, umem, &workers[i].rx, NULL,
						i ? NULL : &fill, i ? NULL : &comp, &cfg);
		if (err) {
			fprintf(stderr, "AF_XDP socket %d on %s queue %d: %s\n", i, ifname, queue, strerror(-err));
			return 1;
		}
	}
	/* Every frame to the kernel: the fill ring holds them all, so a refill never waits for long. */
	__u32 idx, initial = xsk_ring_prod__reserve(&fill, ucfg.fill_size, &idx);
	for (__u32 i = 0; i < initial; i++)
		*xsk_ring_prod__fill_addr(&fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fill, initial);

	for (int i = 0; i < n; i++) {
		if ((errno = pthread_create(&tid, NULL, rx_loop, &workers[i]))) {
			perror("pthread_create");
			return 1;
		}
	}

	if (register_id && register_sockets(register_id, n, why, sizeof(why))) {
		fprintf(stderr, "xsk_workers: %s\n", why);
		return 3;
	}

	printf("READY pid=%d fds=", (int)getpid());
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", xsk_socket__fd(workers[i].xsk));
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
