import NacosTestKit

/// Evaluates the async `condition` every `interval` until it holds and throws `DeadlineExceeded` after
/// `timeout`; an error thrown by `condition` counts as "not yet", and the last one is named in the failure.
func pollUntil(
    timeout: Duration,
    interval: Duration = .milliseconds(20),
    _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var lastError: (any Error)?
    while true {
        do {
            if try await condition() { return }
            lastError = nil
        } catch {
            lastError = error
        }
        guard clock.now < deadline else {
            throw DeadlineExceeded(what: what + (lastError.map { " (last error: \($0))" } ?? ""))
        }
        try await Task.sleep(for: interval)
    }
}
