import Testing

/// TCP tests that use many sockets; they run one after the other so their descriptor counts and CPU use
/// do not disturb each other.
@Suite(.serialized) struct HeavyTCPTests {}
