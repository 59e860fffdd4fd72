public import NacosNamingAPI

/// Sends one push to one subscriber client (Nacos's `PushExecutor`); `PushService` calls it once per
/// subscriber and retries failures.
public protocol PushExecutor: Sendable {
    /// Sends `request` to `clientId` and waits for its acknowledgement; throws when it failed or timed out.
    /// A client that no longer exists counts as done.
    func push(_ request: NotifySubscriberRequest, to clientId: String, timeout: Duration) async throws
}
