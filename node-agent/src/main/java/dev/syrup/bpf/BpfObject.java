package dev.syrup.bpf;

import java.nio.file.Path;
import java.util.List;

/**
 * A BPF object file opened with libbpf: configure (initial values, reused maps), load, then
 * take program and map descriptors. Descriptors returned by {@link #program} and {@link #map}
 * are duplicates the caller owns; closing the object closes libbpf's own.
 */
public final class BpfObject implements AutoCloseable {
    static {
        NativeLibrary.ensureAvailable();
    }

    private long handle;

    private BpfObject(long handle) { this.handle = handle; }

    /** open reads an object file. Nothing is pinned unless {@link #pinMap} asks for it. */
    public static BpfObject open(Path file) {
        return new BpfObject(open(file.toString()));
    }

    /** setInitialValue sets the content of a data section map (e.g. ".rodata.syrup") before load. */
    public void setInitialValue(String mapName, byte[] data) { setInitialValue(handle(), mapName, data); }

    /** reuseMap makes the object use an existing map instead of creating its own. */
    public void reuseMap(String mapName, Fd map) { reuseMap(handle(), mapName, map.get()); }

    /**
     * pinMap pins a map at path when the object loads, or makes the object use the map already
     * pinned there if its definition matches.
     */
    public void pinMap(String mapName, Path path) { pinMap(handle(), mapName, path.toString()); }

    /** load creates the maps and loads every program through the verifier. */
    public void load() { load(handle()); }

    public Fd program(String name) { return Fd.dup(programFd(handle(), name)); }

    /**
     * attach attaches a loaded program the way its section says (e.g. tp_btf/sched_switch) and
     * returns its link: the program stays attached while the link is open or pinned.
     */
    public Fd attach(String program) { return Fd.own(attach(handle(), program)); }

    public BpfMap map(String name) { return new BpfMap(Fd.dup(mapFd(handle(), name))); }

    public List<String> programNames() { return List.of(programNames(handle())); }

    public List<String> mapNames() { return List.of(mapNames(handle())); }

    /** The native handle, for the natives of this package that work on the object. */
    long nativeHandle() { return handle(); }

    private long handle() {
        if (handle == 0) {
            throw new IllegalStateException("BPF object already closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != 0) {
            close(handle);
            handle = 0;
        }
    }

    private static native long open(String path);

    private static native void setInitialValue(long obj, String map, byte[] data);

    private static native void reuseMap(long obj, String map, int fd);

    private static native void pinMap(long obj, String map, String path);

    private static native void load(long obj);

    private static native int programFd(long obj, String name);

    private static native int mapFd(long obj, String name);

    private static native int attach(long obj, String program);

    private static native String[] programNames(long obj);

    private static native String[] mapNames(long obj);

    private static native void close(long obj);
}
