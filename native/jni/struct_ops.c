// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Natives of dev.syrup.bpf.StructOps: registering a struct_ops map (a sched_ext scheduler). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "syrup_jni.h"

/* Linux 6.4 UAPI, missing from older headers (the values are ABI). */
#define SY_BPF_F_LINK (1U << 13)
#define SY_BPF_STRUCT_OPS ((enum bpf_attach_type)44)

static struct bpf_map *find_map(JNIEnv *env, jlong h, jstring jname, const char *op)
{
	char name[256];
	if (sy_string(env, jname, name, sizeof(name), op))
		return NULL;
	struct bpf_map *map = bpf_object__find_map_by_name(sy_object(h), name);
	if (!map)
		sy_throw(env, op, ENOENT);
	return map;
}

/*
 * Struct_ops maps (a sched_ext scheduler) are attached through a BPF link, so
 * that the registration ends when the last descriptor of the link closes (the
 * agent exiting or crashing). The map must be created with BPF_F_LINK: this
 * is called before load.
 */
JNIEXPORT void JNICALL Java_dev_syrup_bpf_StructOps_useLink(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	struct bpf_map *map = find_map(env, h, jname, "bpf_map__set_map_flags");
	if (!map)
		return;
	int err = bpf_map__set_map_flags(map, bpf_map__map_flags(map) | SY_BPF_F_LINK);
	if (err)
		sy_throw(env, "bpf_map__set_map_flags", err);
}

/*
 * Registers a loaded struct_ops map and returns the link's descriptor (owned by
 * the caller). libbpf 1.2 and later create the link themselves for a BPF_F_LINK
 * map; older ones only update the map, which for such a map prepares the
 * registration without making it, and hand back the map's descriptor: then the
 * link is created here.
 */
JNIEXPORT jint JNICALL Java_dev_syrup_bpf_StructOps_attach(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	struct bpf_map *map = find_map(env, h, jname, "bpf_map__attach_struct_ops");
	if (!map)
		return -1;
	sy_capture_begin();
	struct bpf_link *link = bpf_map__attach_struct_ops(map);
	int err = link ? 0 : -errno;
	char *out = sy_capture_end();
	free(out);
	if (!link) {
		sy_throw(env, "bpf_map__attach_struct_ops", err);
		return -1;
	}
	int fd;
	if (bpf_link__fd(link) == bpf_map__fd(map)) {
		bpf_link__disconnect(link); /* its detach would unregister the map */
		bpf_link__destroy(link);
		fd = bpf_link_create(bpf_map__fd(map), 0, SY_BPF_STRUCT_OPS, NULL);
		if (fd < 0) {
			sy_throw(env, "bpf_link_create(BPF_STRUCT_OPS)", errno);
			return -1;
		}
	} else {
		fd = fcntl(bpf_link__fd(link), F_DUPFD_CLOEXEC, 3);
		err = errno;
		bpf_link__destroy(link);
		if (fd < 0) {
			sy_throw(env, "dup", err);
			return -1;
		}
	}
	return fd;
}
