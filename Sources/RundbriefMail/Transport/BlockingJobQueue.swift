import Foundation

/// A FIFO that worker threads block on, and async callers feed.
///
/// Workers are real threads, not Swift tasks, because libcurl blocks its thread for a whole SMTP
/// transaction: a condition variable is the natural way to park them.
final class BlockingJobQueue<Job: Sendable>: @unchecked Sendable {
  // @unchecked: every mutable field below is only touched while `condition` is locked.
  private let condition = NSCondition()
  private var jobs: [Job] = []
  private var head = 0
  private var isClosed = false
  private var liveWorkers: Int
  private var exitWaiters: [CheckedContinuation<Void, Never>] = []

  /// - Parameter workers: How many workers will call ``workerExited()`` when they stop.
  init(workers: Int) {
    liveWorkers = workers
  }

  /// Adds a job; returns it back when the queue is closed so the caller can answer it.
  func submit(_ job: Job) -> Job? {
    condition.lock()
    defer { condition.unlock() }
    guard !isClosed else { return job }
    jobs.append(job)
    condition.signal()
    return nil
  }

  /// Blocks until a job is available; `nil` once the queue is closed.
  func next() -> Job? {
    condition.lock()
    defer { condition.unlock() }
    while head == jobs.count && !isClosed {
      condition.wait()
    }
    guard head < jobs.count else { return nil }
    let job = jobs[head]
    head += 1
    if head == jobs.count || head > 1024 {
      jobs.removeFirst(head)
      head = 0
    }
    return job
  }

  /// Stops accepting jobs and wakes every worker.
  /// - Returns: The jobs no worker has started, for the caller to answer.
  func close() -> [Job] {
    condition.lock()
    defer { condition.unlock() }
    isClosed = true
    let pending = Array(jobs[head...])
    jobs.removeAll()
    head = 0
    condition.broadcast()
    return pending
  }

  /// Called by each worker thread as its last act.
  func workerExited() {
    condition.lock()
    liveWorkers -= 1
    let waiters = liveWorkers == 0 ? exitWaiters : []
    if liveWorkers == 0 { exitWaiters.removeAll() }
    condition.unlock()
    for waiter in waiters { waiter.resume() }
  }

  /// Suspends until every worker has exited.
  func waitForWorkers() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      condition.lock()
      if liveWorkers == 0 {
        condition.unlock()
        continuation.resume()
      } else {
        exitWaiters.append(continuation)
        condition.unlock()
      }
    }
  }
}
