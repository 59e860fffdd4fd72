/// The settings of the hidden `nacos-bench zk-load` child (started by `persistent`, not by hand).
struct ZooKeeperLoadOptions: Sendable {
    /// The ZooKeeper server's client port on 127.0.0.1.
    var port = 0
    /// Sessions (TCP connections) the creates are spread over.
    var connections = 8
    /// Creates in flight per connection (pipelined; ZooKeeper answers a session's requests in order).
    var inFlight = 8
    /// Persistent znodes created in the measured phase.
    var count = 20_000
    /// Persistent znodes created first, not measured (the JVM's JIT warms up).
    var warmupCount = 20_000
    /// The measured phase stops issuing creates after this long.
    var duration: Duration = .seconds(60)
    /// Bytes of data per znode.
    var dataBytes = 256
}
