// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.bpf.ThreadEvents (the thread hook's ring buffer, read with
 * libbpf's ring_buffer API) and dev.syrup.bpf.Affinity (sched_getaffinity /
 * sched_setaffinity of one thread).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"

/* struct syrup_thread_event in native/bpf/syrup_thread.h. */
struct event {
	uint32_t tid;
	uint32_t pid;
	int32_t cpu;
	uint32_t kind;
	uint64_t ts_ns;
};

#define FIELDS 5

struct reader {
	struct ring_buffer *rb;
	jlong *out; /* FIELDS longs per event, valid during one poll */
	int cap, n;
	long dropped;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;
	const struct event *e = data;
	if (size < sizeof(*e))
		return 0;
	if (r->n >= r->cap) {
		r->dropped++; /* consumed but not delivered: only when the caller's buffer is full */
		return 0;
	}
	jlong *o = r->out + (size_t)r->n * FIELDS;
	o[0] = e->tid;
	o[1] = e->pid;
	o[2] = e->cpu;
	o[3] = e->kind;
	o[4] = (jlong)e->ts_ns;
	r->n++;
	return r->n >= r->cap ? 1 : 0; /* a positive return stops this poll early */
}

JNIEXPORT jlong JNICALL Java_dev_syrup_bpf_ThreadEvents_open(JNIEnv *env, jclass cls, jint map_fd)
{
	struct reader *r = calloc(1, sizeof(*r));
	if (!r) {
		sy_throw(env, "ring_buffer__new", ENOMEM);
		return 0;
	}
	r->rb = ring_buffer__new(map_fd, on_event, r, NULL);
	if (!r->rb) {
		int err = errno;
		free(r);
		sy_throw(env, "ring_buffer__new", err);
		return 0;
	}
	return (jlong)(intptr_t)r;
}

/*
 * Waits up to timeout_ms for events and copies at most jout.length / FIELDS of them
 * into jout ({tid, pid, cpu, kind, ts_ns} each). Returns their number or -errno
 * (-EINTR is a normal wake-up).
 */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_ThreadEvents_poll(JNIEnv *env, jclass cls, jlong h, jint timeout_ms,
							    jlongArray jout)
{
	struct reader *r = (struct reader *)(intptr_t)h;
	jsize len = (*env)->GetArrayLength(env, jout);
	jlong *buf = malloc(sizeof(jlong) * (len > 0 ? len : 1));
	if (!buf)
		return -ENOMEM;
	r->out = buf;
	r->cap = len / FIELDS;
	r->n = 0;
	int err = ring_buffer__poll(r->rb, timeout_ms);
	int n = r->n;
	if (n > 0)
		(*env)->SetLongArrayRegion(env, jout, 0, n * FIELDS, buf);
	r->out = NULL;
	free(buf);
	return err < 0 && n == 0 ? err : n;
}

JNIEXPORT jlong JNICALL Java_dev_syrup_bpf_ThreadEvents_dropped(JNIEnv *env, jclass cls, jlong h)
{
	return ((struct reader *)(intptr_t)h)->dropped;
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_ThreadEvents_close(JNIEnv *env, jclass cls, jlong h)
{
	struct reader *r = (struct reader *)(intptr_t)h;
	ring_buffer__free(r->rb);
	free(r);
}

/* The thread's allowed CPUs as a bit mask in 64-bit words (CPU i is bit i % 64 of word i / 64). */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Affinity_get(JNIEnv *env, jclass cls, jint tid, jlongArray jmask)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(tid, sizeof(set), &set))
		return -errno;
	jsize words = (*env)->GetArrayLength(env, jmask);
	jlong w[sizeof(set) / 8] = {};
	for (int cpu = 0; cpu < CPU_SETSIZE && cpu / 64 < words; cpu++)
		if (CPU_ISSET(cpu, &set))
			w[cpu / 64] |= (jlong)1 << (cpu % 64);
	(*env)->SetLongArrayRegion(env, jmask, 0, words < (jsize)(sizeof(w) / 8) ? words : (jsize)(sizeof(w) / 8), w);
	return 0;
}

/*
 * Sets the thread's allowed CPUs. Returns CLOCK_MONOTONIC in ns right after the
 * call returned (the clock of bpf_ktime_get_ns), or -errno.
 */
JNIEXPORT jlong JNICALL Java_dev_syrup_bpf_Affinity_set(JNIEnv *env, jclass cls, jint tid, jlongArray jmask)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	jsize words = (*env)->GetArrayLength(env, jmask);
	jlong w[sizeof(set) / 8] = {};
	(*env)->GetLongArrayRegion(env, jmask, 0, words < (jsize)(sizeof(w) / 8) ? words : (jsize)(sizeof(w) / 8), w);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (w[cpu / 64] & ((jlong)1 << (cpu % 64)))
			CPU_SET(cpu, &set);
	if (sched_setaffinity(tid, sizeof(set), &set))
		return -errno;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (jlong)ts.tv_sec * 1000000000L + ts.tv_nsec;
}
