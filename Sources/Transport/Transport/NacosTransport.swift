/// A way to move frames between processes (or within one): the transport plug-in contract.
///
/// TCP (`NacosTCPTransport`) is the default; TLS (`NacosTLSTransport` in the NacosTLS module) and
/// in-memory (`NacosInMemoryTransport`) have the same shape, so a server or client is written once and
/// runs over any of them.
public protocol NacosTransport: Sendable {
    /// Starts accepting connections on `address`; `acceptor` is called once per accepted connection.
    ///
    /// The acceptor must call `start(_:)` on the connection (or close it). A port of 0 picks a free port,
    /// reported by the listener's `localAddress`.
    func listen(
        on address: NacosSocketAddress,
        acceptor: @escaping @Sendable (any NacosConnection) -> Void
    ) async throws -> any NacosListener

    /// Opens a connection to `address`, failing after `timeout` (or the transport's default when `nil`).
    ///
    /// For TLS the connection is returned once the handshake has completed.
    func connect(to address: NacosSocketAddress, timeout: Duration?) async throws -> any NacosConnection
}

extension NacosTransport {
    /// Opens a connection to `address` with the transport's default connect timeout.
    public func connect(to address: NacosSocketAddress) async throws -> any NacosConnection {
        try await self.connect(to: address, timeout: nil)
    }
}

/// A listening endpoint returned by `NacosTransport.listen`.
public protocol NacosListener: Sendable {
    /// The bound address (with the real port when 0 was asked for).
    var localAddress: NacosSocketAddress { get }

    /// Stops accepting; connections already accepted stay open.
    func close() async
}
