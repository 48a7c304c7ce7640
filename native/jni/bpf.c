// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Natives of dev.syrup.bpf.Bpf: operations on BPF file descriptors (pins, maps,
 * program info, test runs). Hot paths return -errno; setup paths throw.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"

JNIEXPORT void JNICALL Java_dev_syrup_bpf_Bpf_pin(JNIEnv *env, jclass cls, jint fd, jstring jpath)
{
	char path[PATH_MAX];
	if (sy_string(env, jpath, path, sizeof(path), "bpf_obj_pin"))
		return;
	if (bpf_obj_pin(fd, path))
		sy_throw(env, "bpf_obj_pin", errno);
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_get(JNIEnv *env, jclass cls, jstring jpath)
{
	char path[PATH_MAX];
	if (sy_string(env, jpath, path, sizeof(path), "bpf_obj_get"))
		return -1;
	int fd = bpf_obj_get(path);
	if (fd < 0)
		sy_throw(env, "bpf_obj_get", errno);
	return fd;
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_dup(JNIEnv *env, jclass cls, jint fd)
{
	int out = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (out < 0)
		sy_throw(env, "dup", errno);
	return out;
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_Bpf_close(JNIEnv *env, jclass cls, jint fd)
{
	close(fd);
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_possibleCpus(JNIEnv *env, jclass cls)
{
	int n = libbpf_num_possible_cpus();
	if (n < 0)
		sy_throw(env, "libbpf_num_possible_cpus", n);
	return n;
}

/* Map operations: the hot path, so they return 0 or -errno. */

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_mapLookup(JNIEnv *env, jclass cls, jint fd, jbyteArray jkey,
							jbyteArray jvalue)
{
	jbyte *key = (*env)->GetByteArrayElements(env, jkey, NULL);
	jbyte *value = (*env)->GetByteArrayElements(env, jvalue, NULL);
	int err = bpf_map_lookup_elem(fd, key, value) ? -errno : 0;
	(*env)->ReleaseByteArrayElements(env, jkey, key, JNI_ABORT);
	(*env)->ReleaseByteArrayElements(env, jvalue, value, err ? JNI_ABORT : 0);
	return err;
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_mapUpdate(JNIEnv *env, jclass cls, jint fd, jbyteArray jkey,
							jbyteArray jvalue, jlong flags)
{
	jbyte *key = (*env)->GetByteArrayElements(env, jkey, NULL);
	jbyte *value = (*env)->GetByteArrayElements(env, jvalue, NULL);
	int err = bpf_map_update_elem(fd, key, value, flags) ? -errno : 0;
	(*env)->ReleaseByteArrayElements(env, jkey, key, JNI_ABORT);
	(*env)->ReleaseByteArrayElements(env, jvalue, value, JNI_ABORT);
	return err;
}

JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_mapDelete(JNIEnv *env, jclass cls, jint fd, jbyteArray jkey)
{
	jbyte *key = (*env)->GetByteArrayElements(env, jkey, NULL);
	int err = bpf_map_delete_elem(fd, key) ? -errno : 0;
	(*env)->ReleaseByteArrayElements(env, jkey, key, JNI_ABORT);
	return err;
}

/* Next key after jkey (NULL: the first key). Returns 0, -ENOENT at the end, or -errno. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_mapNextKey(JNIEnv *env, jclass cls, jint fd, jbyteArray jkey,
							 jbyteArray jnext)
{
	jbyte *key = jkey ? (*env)->GetByteArrayElements(env, jkey, NULL) : NULL;
	jbyte *next = (*env)->GetByteArrayElements(env, jnext, NULL);
	int err = bpf_map_get_next_key(fd, key, next) ? -errno : 0;
	if (key)
		(*env)->ReleaseByteArrayElements(env, jkey, key, JNI_ABORT);
	(*env)->ReleaseByteArrayElements(env, jnext, next, err ? JNI_ABORT : 0);
	return err;
}

/* {type, key_size, value_size, max_entries, map_flags, id} */
JNIEXPORT jlongArray JNICALL Java_dev_syrup_bpf_Bpf_mapInfo(JNIEnv *env, jclass cls, jint fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		sy_throw(env, "bpf_obj_get_info_by_fd(map)", errno);
		return NULL;
	}
	jlong v[] = { info.type, info.key_size, info.value_size, info.max_entries, info.map_flags, info.id };
	jlongArray out = (*env)->NewLongArray(env, 6);
	if (out)
		(*env)->SetLongArrayRegion(env, out, 0, 6, v);
	return out;
}

/* {type, id, run_time_ns, run_cnt}; the name goes to jname[0]. */
JNIEXPORT jlongArray JNICALL Java_dev_syrup_bpf_Bpf_programInfo(JNIEnv *env, jclass cls, jint fd,
								jobjectArray jname)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		sy_throw(env, "bpf_obj_get_info_by_fd(prog)", errno);
		return NULL;
	}
	if (jname)
		(*env)->SetObjectArrayElement(env, jname, 0, (*env)->NewStringUTF(env, info.name));
	jlong v[] = { info.type, info.id, (jlong)info.run_time_ns, (jlong)info.run_cnt };
	jlongArray out = (*env)->NewLongArray(env, 4);
	if (out)
		(*env)->SetLongArrayRegion(env, out, 0, 4, v);
	return out;
}

/* A new descriptor of the loaded program with that id. */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_programById0(JNIEnv *env, jclass cls, jint id)
{
	int fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		sy_throw(env, "bpf_prog_get_fd_by_id", errno);
	return fd;
}

/* Makes a link run prog_fd in place of its program, atomically for the hook. */
JNIEXPORT void JNICALL Java_dev_syrup_bpf_Bpf_updateLink(JNIEnv *env, jclass cls, jint link_fd, jint prog_fd)
{
	if (bpf_link_update(link_fd, prog_fd, NULL))
		sy_throw(env, "bpf_link_update", errno);
}

/* {id, prog_id, type} of a link. */
JNIEXPORT jlongArray JNICALL Java_dev_syrup_bpf_Bpf_linkInfo(JNIEnv *env, jclass cls, jint fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		sy_throw(env, "bpf_obj_get_info_by_fd(link)", errno);
		return NULL;
	}
	jlong v[] = { info.id, info.prog_id, info.type };
	jlongArray out = (*env)->NewLongArray(env, 3);
	if (out)
		(*env)->SetLongArrayRegion(env, out, 0, 3, v);
	return out;
}

/*
 * BPF_PROG_TEST_RUN on jdata, repeat times. Fills jresult with {retval, duration_ns,
 * data_out_len} and jout with the output packet. Returns 0 or -errno.
 */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_Bpf_testRun(JNIEnv *env, jclass cls, jint fd, jbyteArray jdata,
						      jint repeat, jlongArray jresult, jbyteArray jout)
{
	jsize n = (*env)->GetArrayLength(env, jdata);
	jbyte *data = (*env)->GetByteArrayElements(env, jdata, NULL);
	jbyte *out = (*env)->GetByteArrayElements(env, jout, NULL);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = n, .data_out = out,
		    .data_size_out = (*env)->GetArrayLength(env, jout), .repeat = repeat);
	int err = bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
	(*env)->ReleaseByteArrayElements(env, jdata, data, JNI_ABORT);
	(*env)->ReleaseByteArrayElements(env, jout, out, err ? JNI_ABORT : 0);
	if (!err) {
		jlong r[] = { opts.retval, opts.duration, opts.data_size_out };
		(*env)->SetLongArrayRegion(env, jresult, 0, 3, r);
	}
	return err;
}

/* Maps a BPF_F_MMAPABLE array map shared and writable; the buffer lives until munmap. */
JNIEXPORT jobject JNICALL Java_dev_syrup_bpf_Bpf_mmap(JNIEnv *env, jclass cls, jint fd, jlong size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		sy_throw(env, "mmap(map)", errno);
		return NULL;
	}
	return (*env)->NewDirectByteBuffer(env, p, size);
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_Bpf_munmap(JNIEnv *env, jclass cls, jobject buf)
{
	void *p = (*env)->GetDirectBufferAddress(env, buf);
	if (p)
		munmap(p, (*env)->GetDirectBufferCapacity(env, buf));
}
