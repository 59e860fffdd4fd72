/// A condition a test waited for did not become true before its deadline.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// Polls `condition` every `interval` until it holds, failing after `timeout`; never a fixed sleep.
///
/// Use a longer interval for conditions that are expensive to evaluate (reading /proc), so polling does
/// not occupy the cooperative thread pool the other tests share.
func waitUntil(
    timeout: Duration = .seconds(10),
    interval: Duration = .milliseconds(2),
    _ what: String,
    _ condition: () -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !condition() {
        guard clock.now < deadline else { throw DeadlineExceeded(what: what) }
        try await Task.sleep(for: interval)
    }
}
