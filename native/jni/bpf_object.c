// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Natives of dev.syrup.bpf.BpfObject: open, configure and load BPF objects with libbpf. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"

#define OBJ(h) ((struct bpf_object *)(intptr_t)(h))

JNIEXPORT jlong JNICALL Java_dev_syrup_bpf_BpfObject_open(JNIEnv *env, jclass cls, jstring jpath, jstring jpin)
{
	char path[PATH_MAX], pin[PATH_MAX];
	if (sy_string(env, jpath, path, sizeof(path), "bpf_object__open_file"))
		return 0;
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	if (jpin) {
		if (sy_string(env, jpin, pin, sizeof(pin), "bpf_object__open_file"))
			return 0;
		opts.pin_root_path = pin;
	}
	sy_capture_begin();
	struct bpf_object *obj = bpf_object__open_file(path, &opts);
	int err = obj ? 0 : -errno;
	char *log = sy_capture_end();
	if (!obj) {
		sy_throw_load(env, NULL, err, log);
		free(log);
		return 0;
	}
	free(log);
	return (jlong)(intptr_t)obj;
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

JNIEXPORT void JNICALL Java_dev_syrup_bpf_BpfObject_load(JNIEnv *env, jclass cls, jlong h)
{
	sy_capture_begin();
	int err = bpf_object__load(OBJ(h));
	char *log = sy_capture_end();
	if (err)
		sy_throw_load(env, NULL, err, log);
	free(log);
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
}
