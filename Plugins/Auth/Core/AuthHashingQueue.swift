import Foundation
import Synchronization

/// Runs password hashing (hundreds of milliseconds of CPU each) on a few threads of its own, never on the
/// cooperative pool or an event loop, and refuses work beyond a bound instead of queueing without end.
final class AuthHashingQueue: Sendable {
    private let queue: OperationQueue
    private let pending = Mutex(0)
    private let maxPending: Int

    /// Creates a queue running `threads` checks at a time, with at most `maxPending` admitted.
    init(threads: Int, maxPending: Int) {
        let queue = OperationQueue()
        queue.name = "nacos-auth-hashing"
        queue.maxConcurrentOperationCount = max(1, threads)
        queue.qualityOfService = .userInitiated
        self.queue = queue
        self.maxPending = max(1, maxPending)
    }

    /// Runs `work` on the queue and returns its result, or `nil` at once when `maxPending` are admitted.
    func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result? {
        let admitted = self.pending.withLock { count -> Bool in
            guard count < self.maxPending else { return false }
            count += 1
            return true
        }
        guard admitted else { return nil }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            self.queue.addOperation { continuation.resume(returning: work()) }
        }
        self.pending.withLock { $0 -= 1 }
        return result
    }
}
