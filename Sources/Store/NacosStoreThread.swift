import Foundation

/// One thread that runs a store's blocking work (SQLite, libpq) in submission order, so that no blocking
/// database call ever runs on Swift's cooperative thread pool.
package final class NacosStoreThread: @unchecked Sendable {
    // `condition` guards `jobs` and `stopping`.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false

    /// Starts the thread, named `name`.
    package init(name: String) {
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// Runs `job` on the thread after the jobs submitted before it; returns `false` once stopping.
    @discardableResult
    package func submit(_ job: @escaping () -> Void) -> Bool {
        self.condition.lock()
        defer { self.condition.unlock() }
        guard !self.stopping else { return false }
        self.jobs.append(job)
        self.condition.signal()
        return true
    }

    /// Lets the thread end once the jobs already submitted ran.
    package func stop() {
        self.condition.lock()
        self.stopping = true
        self.condition.signal()
        self.condition.unlock()
    }

    private func run() {
        while true {
            self.condition.lock()
            while self.jobs.isEmpty && !self.stopping { self.condition.wait() }
            if self.jobs.isEmpty {
                self.condition.unlock()
                return
            }
            let batch = self.jobs
            self.jobs = []
            self.condition.unlock()
            for job in batch { job() }
        }
    }
}
