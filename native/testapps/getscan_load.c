// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * getscan_load: the GET/SCAN demo's open-loop load generator in C, for machines
 * where the Java one (bench/.../load/LoadGenerator.java) takes CPU time the
 * server under test needs. Same method: Poisson arrivals fixed before the run,
 * SCAN with probability --scan-fraction, each request from one of --sockets
 * client sockets chosen at random, a sender that sleeps until --spin-us before
 * each send time and spins the rest, one receiver on epoll, latency from the
 * intended send time to the reply's arrival at the client socket (the kernel's
 * receive timestamp, SO_TIMESTAMPNS, so that the receiver thread's own wake-up
 * is not counted; the time the receiver read it where the kernel gives none),
 * warm-up not recorded, --grace-ms for late replies.
 *
 * A request is 16 bytes: byte 0 'G' or 'S', bytes 1..8 its id (u64, little
 * endian: the index in the schedule), zeros. A reply echoes those 9 bytes; byte
 * 9 is the index of the worker that served it.
 *
 * Prints one line, "RESULT key=value ...", latencies in microseconds and CPU
 * times in nanoseconds (the whole process, the sender and the receiver thread).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_BYTES 16
#define MAX_SOCKETS 4096
#define MAX_WORKERS 64
#define START_DELAY_NS 20000000LL

struct options {
	struct sockaddr_in target;
	double rate, seconds, scan_fraction;
	int sockets;
	uint64_t seed;
	long long warmup_ns, grace_ns, spin_ns;
};

struct run {
	struct options o;
	long n;			/* requests scheduled */
	int64_t *at;		/* send time of each, ns after start */
	uint8_t *type;		/* 'G' or 'S' */
	uint16_t *sock;		/* client socket of each */
	uint8_t *answered;
	int fds[MAX_SOCKETS];
	int64_t start;
	/* sender */
	atomic_long sent;
	atomic_int sending_done;
	long send_failures;
	int64_t *lag;		/* lateness of the measured sends, ns */
	long lags;
	int64_t sender_cpu;
	/* receiver */
	long received, unmatched, in_window;
	long served[MAX_WORKERS];
	int64_t *get_ns, *scan_ns;
	long gets, scans;
	int64_t receiver_cpu;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC now: turns the kernel's receive timestamps into monotonic time. */
static int64_t realtime_offset_ns(void)
{
	struct timespec a, rt, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (rt.tv_sec * 1000000000LL + rt.tv_nsec) -
	       ((a.tv_sec + b.tv_sec) * 500000000LL + (a.tv_nsec + b.tv_nsec) / 2);
}

/* The reply's arrival at the socket from msg's SCM_TIMESTAMPNS, in monotonic time; fallback if there is none. */
static int64_t arrival_ns(struct msghdr *msg, int64_t offset, int64_t fallback)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return ts.tv_sec * 1000000000LL + ts.tv_nsec - offset;
		}
	}
	return fallback;
}

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform double in (0, 1]. */
static double uniform(uint64_t *s)
{
	return ((splitmix64(s) >> 11) + 1) * 0x1.0p-53;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		perror("calloc");
		exit(1);
	}
	return p;
}

static void schedule(struct run *r)
{
	int64_t duration = (int64_t)(r->o.seconds * 1e9);
	size_t cap = (size_t)(r->o.rate * r->o.seconds * 1.2) + 1024;
	uint64_t s = r->o.seed;
	double t = 0;

	r->at = xcalloc(cap, sizeof(*r->at));
	r->type = xcalloc(cap, 1);
	r->sock = xcalloc(cap, sizeof(*r->sock));
	for (r->n = 0;; r->n++) {
		t += -log(uniform(&s)) / r->o.rate * 1e9;
		if (t >= duration)
			break;
		if ((size_t)r->n == cap) {
			cap *= 2;
			r->at = realloc(r->at, cap * sizeof(*r->at));
			r->type = realloc(r->type, cap);
			r->sock = realloc(r->sock, cap * sizeof(*r->sock));
			if (!r->at || !r->type || !r->sock) {
				perror("realloc");
				exit(1);
			}
		}
		r->at[r->n] = (int64_t)t;
		r->type[r->n] = uniform(&s) <= r->o.scan_fraction ? 'S' : 'G';
		r->sock[r->n] = splitmix64(&s) % r->o.sockets;
	}
	r->answered = xcalloc(r->n, 1);
	r->lag = xcalloc(r->n, sizeof(*r->lag));
	r->get_ns = xcalloc(r->n, sizeof(*r->get_ns));
	r->scan_ns = xcalloc(r->n, sizeof(*r->scan_ns));
}

/* Sleeps until spin_ns before deadline, then spins until it. */
static void await(int64_t deadline, int64_t spin_ns)
{
	int64_t wake = deadline - spin_ns;

	if (now_ns() < wake) {
		struct timespec ts = { .tv_sec = wake / 1000000000LL, .tv_nsec = wake % 1000000000LL };

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	while (now_ns() < deadline)
		cpu_relax();
}

static void *sender(void *arg)
{
	struct run *r = arg;
	uint8_t req[REQUEST_BYTES] = { 0 };

	/* The default 50 us of timer slack would make every wake-up that late. */
	prctl(PR_SET_TIMERSLACK, 1000UL);
	for (long i = 0; i < r->n; i++) {
		int64_t deadline = r->start + r->at[i];
		uint64_t id = (uint64_t)i;

		await(deadline, r->o.spin_ns);
		req[0] = r->type[i];
		for (int b = 0; b < 8; b++)
			req[1 + b] = (uint8_t)(id >> (8 * b));
		int64_t late = now_ns() - deadline;
		if (send(r->fds[r->sock[i]], req, sizeof(req), MSG_DONTWAIT) < 0) {
			r->send_failures++;
			continue;
		}
		if (r->at[i] >= r->o.warmup_ns)
			r->lag[r->lags++] = late;
		atomic_store_explicit(&r->sent, atomic_load_explicit(&r->sent, memory_order_relaxed) + 1,
				      memory_order_release);
	}
	r->sender_cpu = thread_cpu_ns();
	atomic_store(&r->sending_done, 1);
	return NULL;
}

static void take_reply(struct run *r, const uint8_t *buf, ssize_t len, int64_t arrival)
{
	uint64_t id = 0;

	if (len < 10) {
		r->unmatched++;
		return;
	}
	for (int b = 0; b < 8; b++)
		id |= (uint64_t)buf[1 + b] << (8 * b);
	if (id >= (uint64_t)r->n || r->answered[id] || buf[0] != r->type[id]) {
		r->unmatched++;
		return;
	}
	r->answered[id] = 1;
	r->received++;
	int64_t t = arrival - r->start;
	if (t >= r->o.warmup_ns && t < (int64_t)(r->o.seconds * 1e9))
		r->in_window++;
	/* Latencies and workers count the requests meant for after the warm-up. */
	if (r->at[id] >= r->o.warmup_ns) {
		int64_t latency = arrival - (r->start + r->at[id]);

		if (latency < 0)
			latency = 0;
		if (r->type[id] == 'S')
			r->scan_ns[r->scans++] = latency;
		else
			r->get_ns[r->gets++] = latency;
		if (buf[9] < MAX_WORKERS)
			r->served[buf[9]]++;
	}
}

static void *receiver(void *arg)
{
	struct run *r = arg;
	struct epoll_event events[256];
	uint8_t buf[2048];
	char control[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int ep = epoll_create1(0);
	int64_t give_up = 0;
	int64_t offset = realtime_offset_ns();

	if (ep < 0) {
		perror("epoll_create1");
		exit(1);
	}
	for (int i = 0; i < r->o.sockets; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, r->fds[i], &ev) < 0) {
			perror("epoll_ctl");
			exit(1);
		}
	}
	for (;;) {
		if (atomic_load(&r->sending_done)) {
			if (!give_up)
				give_up = now_ns() + r->o.grace_ns;
			if (r->received >= atomic_load_explicit(&r->sent, memory_order_acquire) || now_ns() >= give_up)
				break;
		}
		int n = epoll_wait(ep, events, 256, 10);
		for (int e = 0; e < n; e++) {
			int fd = r->fds[events[e].data.u32];
			ssize_t len;

			for (;;) {
				struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
						      .msg_control = control, .msg_controllen = sizeof(control) };

				if ((len = recvmsg(fd, &msg, MSG_DONTWAIT)) < 0)
					break;
				int64_t read_at = now_ns();
				int64_t at = arrival_ns(&msg, offset, read_at);

				/* A timestamp from a clock stepped meanwhile would be off by the step: not used then. */
				take_reply(r, buf, len, at <= read_at && at > read_at - 1000000000LL ? at : read_at);
			}
		}
	}
	close(ep);
	r->receiver_cpu = thread_cpu_ns();
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The value at percentile q of n sorted values: the smallest with at least q% at or below it. */
static double pct_us(const int64_t *v, long n, double q)
{
	long i;

	if (n == 0)
		return 0;
	i = (long)ceil(q / 100.0 * n) - 1;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i] / 1e3;
}

static void print_latencies(const char *name, int64_t *v, long n)
{
	double sum = 0;

	qsort(v, n, sizeof(*v), cmp_i64);
	for (long i = 0; i < n; i++)
		sum += v[i];
	printf(" %s_count=%ld %s_mean_us=%.1f %s_p50_us=%.1f %s_p90_us=%.1f %s_p99_us=%.1f %s_p999_us=%.1f %s_max_us=%.1f",
	       name, n, name, n ? sum / n / 1e3 : 0, name, pct_us(v, n, 50), name, pct_us(v, n, 90), name,
	       pct_us(v, n, 99), name, pct_us(v, n, 99.9), name, n ? v[n - 1] / 1e3 : 0);
}

static void usage(void)
{
	fprintf(stderr, "usage: getscan_load --port P [--addr 127.0.0.1] [--rate 2000] [--seconds 4] "
			"[--scan-fraction 0.005] [--sockets 256] [--seed 1] [--warmup-ms W] [--grace-ms 200] [--spin-us 50]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "addr", required_argument, 0, 'a' }, { "port", required_argument, 0, 'p' },
		{ "rate", required_argument, 0, 'r' }, { "seconds", required_argument, 0, 's' },
		{ "scan-fraction", required_argument, 0, 'f' }, { "sockets", required_argument, 0, 'k' },
		{ "seed", required_argument, 0, 'x' }, { "warmup-ms", required_argument, 0, 'w' },
		{ "grace-ms", required_argument, 0, 'g' }, { "spin-us", required_argument, 0, 'n' },
		{ 0, 0, 0, 0 },
	};
	const char *addr = "127.0.0.1";
	long port = 0, warmup_ms = -1;
	int c;

	*o = (struct options){ .rate = 2000, .seconds = 4, .scan_fraction = 0.005, .sockets = 256, .seed = 1,
			       .grace_ns = 200000000LL, .spin_ns = 50000 };
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = strtol(optarg, NULL, 10); break;
		case 'r': o->rate = strtod(optarg, NULL); break;
		case 's': o->seconds = strtod(optarg, NULL); break;
		case 'f': o->scan_fraction = strtod(optarg, NULL); break;
		case 'k': o->sockets = (int)strtol(optarg, NULL, 10); break;
		case 'x': o->seed = strtoull(optarg, NULL, 10); break;
		case 'w': warmup_ms = strtol(optarg, NULL, 10); break;
		case 'g': o->grace_ns = strtoll(optarg, NULL, 10) * 1000000LL; break;
		case 'n': o->spin_ns = strtoll(optarg, NULL, 10) * 1000LL; break;
		default: usage();
		}
	}
	if (port < 1 || port > 65535 || !(o->rate > 0) || !(o->seconds > 0) || o->sockets < 1 ||
	    o->sockets > MAX_SOCKETS || o->scan_fraction < 0 || o->scan_fraction > 1 || o->grace_ns < 0 ||
	    o->spin_ns < 0)
		usage();
	/* As the Java generator: 10% of the run, at least 200 ms, at most half of it. */
	if (warmup_ms < 0) {
		double w = o->seconds * 1e9 / 10;

		if (w < 200e6)
			w = 200e6;
		if (w > o->seconds * 1e9 / 2)
			w = o->seconds * 1e9 / 2;
		o->warmup_ns = (long long)w;
	} else {
		o->warmup_ns = warmup_ms * 1000000LL;
	}
	o->target.sin_family = AF_INET;
	o->target.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &o->target.sin_addr) != 1)
		usage();
}

int main(int argc, char **argv)
{
	static struct run r;
	pthread_t st, rt;
	struct rusage ru;
	int workers = 0;

	parse(argc, argv, &r.o);
	schedule(&r);
	for (int i = 0; i < r.o.sockets; i++) {
		int rcvbuf = 1 << 20;

		int on = 1;

		r.fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (r.fds[i] < 0 || setsockopt(r.fds[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0 ||
		    setsockopt(r.fds[i], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0 ||
		    connect(r.fds[i], (struct sockaddr *)&r.o.target, sizeof(r.o.target)) < 0) {
			perror("socket");
			return 1;
		}
	}
	r.start = now_ns() + START_DELAY_NS;
	if (pthread_create(&rt, NULL, receiver, &r) || pthread_create(&st, NULL, sender, &r)) {
		fprintf(stderr, "pthread_create failed\n");
		return 1;
	}
	pthread_join(st, NULL);
	pthread_join(rt, NULL);
	getrusage(RUSAGE_SELF, &ru);

	double measured = r.o.seconds - r.o.warmup_ns / 1e9;
	long sent = atomic_load(&r.sent);
	qsort(r.lag, r.lags, sizeof(*r.lag), cmp_i64);
	printf("RESULT offered_rps=%.1f achieved_rps=%.1f measured_seconds=%.3f scheduled=%ld sent=%ld received=%ld "
	       "lost=%ld send_failures=%ld unmatched=%ld",
	       r.o.rate, r.in_window / measured, measured, r.n, sent, r.received, sent - r.received, r.send_failures,
	       r.unmatched);
	print_latencies("get", r.get_ns, r.gets);
	print_latencies("scan", r.scan_ns, r.scans);
	for (int w = 0; w < MAX_WORKERS; w++)
		if (r.served[w])
			workers = w + 1;
	printf(" served=");
	for (int w = 0; w < workers; w++)
		printf("%s%ld", w ? "," : "", r.served[w]);
	printf(" lag_p50_us=%.1f lag_p99_us=%.1f lag_max_us=%.1f", pct_us(r.lag, r.lags, 50), pct_us(r.lag, r.lags, 99),
	       r.lags ? r.lag[r.lags - 1] / 1e3 : 0);
	printf(" cpu_ns=%lld sender_cpu_ns=%lld receiver_cpu_ns=%lld wall_ns=%lld\n",
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL,
	       (long long)r.sender_cpu, (long long)r.receiver_cpu, (long long)(now_ns() - r.start));
	return 0;
}
