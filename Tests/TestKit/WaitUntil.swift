/// A condition a test waited for did not become true before its deadline.
package struct DeadlineExceeded: Error, CustomStringConvertible {
    /// What the test waited for.
    package let what: String
    /// Creates the error for a wait on `what`.
    package init(what: String) { self.what = what }
    /// `timed out waiting for …`.
    package var description: String { "timed out waiting for \(self.what)" }
}

/// Polls `condition` every `interval` until it holds, failing after `timeout`; never a fixed sleep.
///
/// Use a longer interval for conditions that are expensive to evaluate (reading /proc), so polling does
/// not occupy the cooperative thread pool the other tests share.
package func waitUntil(
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
