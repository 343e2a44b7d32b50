import NIOPosix

/// Runs blocking work (SQLite through the application layer, bcrypt) on NIO's blocking thread pool,
/// never on the Swift concurrency pool.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
}
