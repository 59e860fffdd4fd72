/// A push failure that `PushService` counts but does not retry, because the executor already retried in its
/// own way (UDP pushes to 1.x subscribers: one retransmission, then give up, as Nacos's
/// `NoRequiredRetryException`).
public protocol NonRetryablePushError: Error {}
