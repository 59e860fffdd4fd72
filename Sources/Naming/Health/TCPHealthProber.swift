public import NacosTransport

/// Checks an instance by opening (and at once closing) a TCP connection to it, as Nacos's
/// `TcpHealthCheckProcessor` does.
public struct TCPHealthProber: HealthProber {
    private let transport: any NacosTransport

    /// Creates a prober that connects through `transport` (normally `NacosTCPTransport`).
    public init(transport: any NacosTransport) {
        self.transport = transport
    }

    /// Whether a TCP connection to `ip:port` opened within `timeout`.
    public func probe(ip: String, port: Int, timeout: Duration) async -> Bool {
        guard let address = try? NacosSocketAddress(ipAddress: ip, port: port) else { return false }
        do {
            let connection = try await self.transport.connect(to: address, timeout: timeout)
            connection.close(flush: false)
            return true
        } catch {
            return false
        }
    }
}
