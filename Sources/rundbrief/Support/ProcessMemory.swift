#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's malloc settings, made before its threads allocate.
enum ProcessMemory {
    /// glibc gives a thread that allocates while another holds its arena's lock a new arena, up to eight
    /// per core, and each arena keeps its own free memory. During a send the daemon's threads (SMTP
    /// connections, the Swift concurrency pool, GRDB's queues, the web's event loops) spread a heap of
    /// about 9 MB over four arenas holding 14 MB. One arena holds about 10 MB: the peak RSS of a
    /// 100,000-recipient send fell by 4.6 MB, at no measurable CPU cost (per-thread caches spare most
    /// allocations the arena's lock). `MALLOC_ARENA_MAX` in the environment still decides when set.
    static func limitArenas() {
        #if canImport(Glibc)
            // `mallopt` is in <malloc.h>, which the Glibc module does not export.
            guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(nil, "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
            let arenaMax: Int32 = -8  // M_ARENA_MAX
            _ = mallopt(arenaMax, 1)
        #endif
    }
}
