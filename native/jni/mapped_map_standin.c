// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * STAND-IN until the real dev.syrup.bpf.MappedMap is merged; remove then.
 * Natives of the stand-in MappedMap: mmap and munmap of a BPF_F_MMAPABLE array.
 */
#include <errno.h>
#include <sys/mman.h>

#include "syrup_jni.h"

JNIEXPORT jobject JNICALL Java_dev_syrup_bpf_MappedMap_map(JNIEnv *env, jclass cls, jint fd, jlong length)
{
	void *p = mmap(NULL, (size_t)length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		sy_throw(env, "mmap", errno);
		return NULL;
	}
	return (*env)->NewDirectByteBuffer(env, p, length);
}

JNIEXPORT void JNICALL Java_dev_syrup_bpf_MappedMap_unmap(JNIEnv *env, jclass cls, jobject buf, jlong length)
{
	void *p = (*env)->GetDirectBufferAddress(env, buf);
	if (p)
		munmap(p, (size_t)length);
}
