// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.bpf.BindEvents: attach the bind watcher's programs to a
 * cgroup (bpf_program__attach_cgroup) and read its ring buffer with libbpf's
 * ring_buffer API, as thread_events.c does for the thread hook.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"
#include "../bpf/bind_watch.h"

#define FIELDS 9

struct reader {
	struct ring_buffer *rb;
	jlong *out; /* FIELDS longs per event, valid during one poll */
	int cap, n;
	long dropped;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;
	const struct syrup_bind_event *e = data;
	if (size < sizeof(*e))
		return 0;
	if (r->n >= r->cap) {
		r->dropped++;
		return 0;
	}
	jlong *o = r->out + (size_t)r->n * FIELDS;
	o[0] = e->pid;
	o[1] = e->uid;
	o[2] = (jlong)e->cgroup_id;
	o[3] = (jlong)e->netns_cookie;
	o[4] = e->port;
	o[5] = e->protocol;
	o[6] = e->kind;
	o[7] = e->family;
	o[8] = (jlong)e->ts_ns;
	r->n++;
	return r->n >= r->cap ? 1 : 0;
}

/* Attaches program of the loaded object to the cgroup open at cgroup_fd; returns the link's fd. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_BindEvents_attachCgroup(JNIEnv *env, jclass cls, jlong obj, jstring jname,
								  jint cgroup_fd)
{
	char name[256];
	if (sy_string(env, jname, name, sizeof(name), "bpf_program__attach_cgroup"))
		return -1;
	struct bpf_program *prog = bpf_object__find_program_by_name(sy_object(obj), name);
	if (!prog) {
		sy_throw(env, "bpf_program__attach_cgroup", ENOENT);
		return -1;
	}
	struct bpf_link *link = bpf_program__attach_cgroup(prog, cgroup_fd);
	if (!link) {
		sy_throw(env, "bpf_program__attach_cgroup", errno);
		return -1;
	}
	int fd = fcntl(bpf_link__fd(link), F_DUPFD_CLOEXEC, 3);
	int err = errno;
	/* The duplicate keeps the link (never pinned: closing it detaches). */
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	if (fd < 0)
		sy_throw(env, "dup(link)", err);
	return fd;
}

JNIEXPORT jlong JNICALL Java_dev_syrup_bpf_BindEvents_open(JNIEnv *env, jclass cls, jint map_fd)
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
 * Waits up to timeout_ms for events and copies at most jout.length / FIELDS of them into
 * jout ({pid, uid, cgroup_id, netns_cookie, port, protocol, kind, family, ts_ns} each). Returns
 * their number or -errno (-EINTR is a normal wake-up).
 */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_BindEvents_poll(JNIEnv *env, jclass cls, jlong h, jint timeout_ms,
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

JNIEXPORT jlong JNICALL Java_dev_syrup_bpf_BindEvents_dropped(JNIEnv *env, jclass cls, jlong h)
{
	return ((struct reader *)(intptr_t)h)->dropped;
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_BindEvents_close(JNIEnv *env, jclass cls, jlong h)
{
	struct reader *r = (struct reader *)(intptr_t)h;
	ring_buffer__free(r->rb);
	free(r);
}

/* Opens a directory (a cgroup) for attaching; returns its fd. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_BindEvents_openDirectory(JNIEnv *env, jclass cls, jstring jpath)
{
	char path[4096];
	if (sy_string(env, jpath, path, sizeof(path), "open"))
		return -1;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		sy_throw(env, "open", errno);
	return fd;
}
