/// Checks `condition` every `interval` until it holds or `timeout` passes (or the task is cancelled),
/// then once more: for what a test waits on that happens in another task, thread or process (a message
/// at the SMTP server, a row in the database, a line in a log).
/// - Returns: whether the condition held.
/// - Throws: what `condition` throws.
public func eventually(
    timeout: Duration, interval: Duration = .milliseconds(50), _ condition: () throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline, !Task.isCancelled {
        if try condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try condition()
}
