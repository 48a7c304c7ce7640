// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * spin_threads N [BUSY_US SLEEP_US]: a multi-threaded application for the
 * thread hook's tests. Starts N worker threads, prints "worker K TID" for each,
 * then "ready". Each worker alternates BUSY_US of spinning with SLEEP_US of
 * sleep (default 2000 and 1000; SLEEP_US 0: always busy), so it is switched out,
 * woken up and preempted all the time. On "cpus" on stdin it prints
 * "cpu K CPU" for every worker (sched_getcpu() as the worker last saw it).
 * "register ID K..." registers workers K... with deployment ID through libsyrup
 * (syrupd at $SYRUP_SOCKET), "unregister ID K..." takes them out, and
 * "register-tid ID TID" registers any thread id; each prints "ok" or
 * "error KIND MESSAGE". Runs until stdin closes or it is killed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syrup_client.h"

#define MAX_WORKERS 64

struct worker {
	int index;
	pid_t tid;
	volatile int cpu;
	long busy_us, sleep_us;
};

static struct worker workers[MAX_WORKERS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started = PTHREAD_COND_INITIALIZER;
static int nstarted;

static long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	w->tid = (pid_t)syscall(SYS_gettid);
	pthread_mutex_lock(&lock);
	nstarted++;
	pthread_cond_signal(&started);
	pthread_mutex_unlock(&lock);
	for (;;) {
		long end = now_us() + w->busy_us;
		while (now_us() < end)
			w->cpu = sched_getcpu();
		if (w->sleep_us > 0)
			usleep(w->sleep_us);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s N [BUSY_US SLEEP_US]\n", argv[0]);
		return 2;
	}
	int n = atoi(argv[1]);
	long busy = argc > 2 ? atol(argv[2]) : 2000, sleep_us = argc > 3 ? atol(argv[3]) : 1000;
	if (n < 1 || n > MAX_WORKERS) {
		fprintf(stderr, "N must be 1-%d\n", MAX_WORKERS);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		pthread_t t;
		workers[i] = (struct worker){ .index = i, .cpu = -1, .busy_us = busy, .sleep_us = sleep_us };
		if (pthread_create(&t, NULL, work, &workers[i])) {
			perror("pthread_create");
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while (nstarted < n)
		pthread_cond_wait(&started, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < n; i++)
		printf("worker %d %d\n", i, workers[i].tid);
	printf("ready\n");
	fflush(stdout);
	char line[512];
	while (fgets(line, sizeof(line), stdin)) {
		if (strncmp(line, "cpus", 4) == 0) {
			for (int i = 0; i < n; i++)
				printf("cpu %d %d\n", i, workers[i].cpu);
			printf("end\n");
		} else if (!strncmp(line, "register", 8) || !strncmp(line, "unregister", 10)) {
			char *save, *cmd = strtok_r(line, " \n", &save), *id = strtok_r(NULL, " \n", &save), *tok;
			pid_t tids[MAX_WORKERS];
			int ntids = 0, r = -1;
			while (id && ntids < MAX_WORKERS && (tok = strtok_r(NULL, " \n", &save))) {
				int k = atoi(tok);
				tids[ntids++] = !strcmp(cmd, "register-tid") ? k : k >= 0 && k < n ? workers[k].tid : -1;
			}
			struct sy_client *c = id && ntids ? sy_connect(NULL) : NULL;
			if (c)
				r = !strcmp(cmd, "unregister") ? sy_unregister_threads(c, id, tids, ntids)
							      : sy_register_threads(c, id, tids, ntids);
			if (!r)
				printf("ok\n");
			else
				printf("error %s %s\n", id && ntids ? sy_last_error_kind(c) : "usage",
				       id && ntids ? sy_last_error(c) : "register ID K...");
			sy_close(c);
		}
		fflush(stdout);
	}
	return 0;
}
