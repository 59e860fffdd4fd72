/// Waits for a condition that another thread makes true, by polling.
enum Poll {
    /// Polls `condition` every 10 ms until it holds.
    ///
    /// - Throws: `BenchmarkError` naming `what` when it still does not hold after `timeout`.
    static func until(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else { throw BenchmarkError("timed out after \(timeout) waiting for \(what)") }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
