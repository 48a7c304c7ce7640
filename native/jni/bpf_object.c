// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Natives of dev.syrup.bpf.BpfObject: open, configure and load BPF objects with libbpf. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"

/*
 * An object with its own verifier log buffer. libbpf, left to itself, retries a
 * failed load with ever larger buffers, verifying the program again each time
 * (tens of seconds for a program that hits the instruction limit); with one
 * fixed buffer the kernel keeps the tail of the log, which holds the error and
 * the failing source line, after a single retry.
 */
struct sy_object {
	struct bpf_object *obj;
	char *log;
};

#define LOG_SIZE (16u << 20)
#define SYO(h) ((struct sy_object *)(intptr_t)(h))
#define OBJ(h) (SYO(h)->obj)

struct bpf_object *sy_object(jlong handle)
{
	return OBJ(handle);
}

/*
 * Opens an object without a pin root: libbpf pins nothing on its own (the loader pins each policy
 * map itself, with pinMap), so a pinning attribute in an object never decides where a map goes.
 */
JNIEXPORT jlong JNICALL Java_dev_syrup_bpf_BpfObject_open(JNIEnv *env, jclass cls, jstring jpath)
{
	char path[PATH_MAX];
	if (sy_string(env, jpath, path, sizeof(path), "bpf_object__open_file"))
		return 0;
	struct sy_object *o = calloc(1, sizeof(*o));
	char *log = malloc(LOG_SIZE);
	if (!o || !log) {
		free(o);
		free(log);
		sy_throw(env, "bpf_object__open_file", ENOMEM);
		return 0;
	}
	log[0] = '\0';
	o->log = log;
	LIBBPF_OPTS(bpf_object_open_opts, opts, .kernel_log_buf = log, .kernel_log_size = LOG_SIZE);
	sy_capture_begin();
	struct bpf_object *obj = bpf_object__open_file(path, &opts);
	int err = obj ? 0 : -errno;
	char *out = sy_capture_end();
	if (!obj) {
		sy_throw_load(env, NULL, err, out);
		free(out);
		free(log);
		free(o);
		return 0;
	}
	free(out);
	o->obj = obj;
	return (jlong)(intptr_t)o;
}

static struct bpf_map *find_map(JNIEnv *env, jlong h, jstring jname, const char *op)
{
	char name[256];
	if (sy_string(env, jname, name, sizeof(name), op))
		return NULL;
	struct bpf_map *map = bpf_object__find_map_by_name(OBJ(h), name);
	if (!map)
		sy_throw(env, op, ENOENT);
	return map;
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_BpfObject_setInitialValue(JNIEnv *env, jclass cls, jlong h, jstring jname,
								    jbyteArray jdata)
{
	struct bpf_map *map = find_map(env, h, jname, "bpf_map__set_initial_value");
	if (!map)
		return;
	jsize n = (*env)->GetArrayLength(env, jdata);
	jbyte *data = (*env)->GetByteArrayElements(env, jdata, NULL);
	int err = bpf_map__set_initial_value(map, data, n);
	(*env)->ReleaseByteArrayElements(env, jdata, data, JNI_ABORT);
	if (err)
		sy_throw(env, "bpf_map__set_initial_value", err);
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_BpfObject_reuseMap(JNIEnv *env, jclass cls, jlong h, jstring jname, jint fd)
{
	struct bpf_map *map = find_map(env, h, jname, "bpf_map__reuse_fd");
	if (!map)
		return;
	int err = bpf_map__reuse_fd(map, fd);
	if (err)
		sy_throw(env, "bpf_map__reuse_fd", err);
}

/*
 * Pins a map at path when the object is loaded: libbpf reuses the map pinned there if its
 * definition matches (a replaced policy keeps its maps), else creates and pins it.
 */
JNIEXPORT void JNICALL Java_dev_syrup_bpf_BpfObject_pinMap(JNIEnv *env, jclass cls, jlong h, jstring jname, jstring jpath)
{
	char path[PATH_MAX];
	struct bpf_map *map = find_map(env, h, jname, "bpf_map__set_pin_path");
	if (!map || sy_string(env, jpath, path, sizeof(path), "bpf_map__set_pin_path"))
		return;
	int err = bpf_map__set_pin_path(map, path);
	if (err)
		sy_throw(env, "bpf_map__set_pin_path", err);
}

/* On failure, libbpf's messages followed by the verifier log, framed as libbpf frames it. */
JNIEXPORT void JNICALL Java_dev_syrup_bpf_BpfObject_load(JNIEnv *env, jclass cls, jlong h)
{
	sy_capture_begin();
	int err = bpf_object__load(OBJ(h));
	char *out = sy_capture_end();
	if (err) {
		const char *log = SYO(h)->log;
		char *all = NULL;
		/* The buffer also receives BTF load logs: it is a verifier log only if a program failed. */
		int prog_failed = out && strstr(out, "BPF program load failed");
		if (prog_failed && log[0] && asprintf(&all, "%s-- BEGIN PROG LOAD LOG --\n%s-- END PROG LOAD LOG --\n",
				       out ? out : "", log) < 0)
			all = NULL;
		sy_throw_load(env, NULL, err, all ? all : out);
		free(all);
	}
	free(out);
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_BpfObject_programFd(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	char name[256];
	if (sy_string(env, jname, name, sizeof(name), "bpf_object__find_program_by_name"))
		return -1;
	struct bpf_program *prog = bpf_object__find_program_by_name(OBJ(h), name);
	if (!prog) {
		sy_throw(env, "bpf_object__find_program_by_name", ENOENT);
		return -1;
	}
	int fd = bpf_program__fd(prog);
	if (fd < 0)
		sy_throw(env, "bpf_program__fd", fd);
	return fd;
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_BpfObject_mapFd(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	struct bpf_map *map = find_map(env, h, jname, "bpf_object__find_map_by_name");
	if (!map)
		return -1;
	int fd = bpf_map__fd(map);
	if (fd < 0)
		sy_throw(env, "bpf_map__fd", fd);
	return fd;
}

static jobjectArray names(JNIEnv *env, const char **list, int n)
{
	jclass str = (*env)->FindClass(env, "java/lang/String");
	jobjectArray out = (*env)->NewObjectArray(env, n, str, NULL);
	for (int i = 0; out && i < n; i++)
		(*env)->SetObjectArrayElement(env, out, i, (*env)->NewStringUTF(env, list[i]));
	return out;
}

JNIEXPORT jobjectArray JNICALL Java_dev_syrup_bpf_BpfObject_mapNames(JNIEnv *env, jclass cls, jlong h)
{
	const char *list[256];
	int n = 0;
	struct bpf_map *map;
	bpf_object__for_each_map(map, OBJ(h)) {
		if (n < 256)
			list[n++] = bpf_map__name(map);
	}
	return names(env, list, n);
}

JNIEXPORT jobjectArray JNICALL Java_dev_syrup_bpf_BpfObject_programNames(JNIEnv *env, jclass cls, jlong h)
{
	const char *list[256];
	int n = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, OBJ(h)) {
		if (n < 256)
			list[n++] = bpf_program__name(prog);
	}
	return names(env, list, n);
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_BpfObject_close(JNIEnv *env, jclass cls, jlong h)
{
	bpf_object__close(OBJ(h));
	free(SYO(h)->log);
	free(SYO(h));
}

/*
 * Attaches a program the way its section says (tp_btf/..., etc.) and returns a
 * descriptor of the link that the caller owns: closing it (and every pin of it)
 * detaches the program.
 */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_BpfObject_attach(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	char name[256];
	if (sy_string(env, jname, name, sizeof(name), "bpf_program__attach"))
		return -1;
	struct bpf_program *prog = bpf_object__find_program_by_name(OBJ(h), name);
	if (!prog) {
		sy_throw(env, "bpf_program__attach", ENOENT);
		return -1;
	}
	struct bpf_link *link = bpf_program__attach(prog);
	if (!link) {
		sy_throw(env, "bpf_program__attach", errno);
		return -1;
	}
	int fd = fcntl(bpf_link__fd(link), F_DUPFD_CLOEXEC, 3);
	int err = errno;
	/* The duplicate keeps the link; libbpf's own handle goes without detaching it. */
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	if (fd < 0)
		sy_throw(env, "dup(link)", err);
	return fd;
}
