/// The address of a transport endpoint: an IPv4 or IPv6 host and port, or a named in-memory endpoint.
///
/// The type keeps C socket structures out of public API; the TCP transport converts to `sockaddr`
/// internally.
public struct NacosSocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The kind of address.
    public enum Family: Sendable, Hashable {
        /// An IPv4 address such as `127.0.0.1`.
        case ipv4
        /// An IPv6 address such as `::1`.
        case ipv6
        /// A name inside one process, used by the in-memory transport.
        case inMemory
    }

    /// The address family.
    public let family: Family
    /// The numeric host (`127.0.0.1`, `::1`) or the in-memory endpoint's name.
    public let host: String
    /// The port; 0 asks a listener to choose a free one.
    public let port: Int

    /// Creates an IP address from a numeric host string, inferring IPv4 or IPv6.
    ///
    /// - Throws: `NacosTransportError` with code `.invalidAddress` if `host` is not a numeric IP address
    ///   or `port` is outside 0...65535.
    public init(ipAddress host: String, port: Int) throws(NacosTransportError) {
        guard (0...65535).contains(port) else {
            throw NacosTransportError(.invalidAddress, "port \(port) is outside 0...65535")
        }
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if IPAddressParser.isIPv4(trimmed) {
            self.family = .ipv4
        } else if IPAddressParser.isIPv6(trimmed) {
            self.family = .ipv6
        } else {
            throw NacosTransportError(.invalidAddress, "'\(host)' is not a numeric IPv4 or IPv6 address")
        }
        self.host = trimmed
        self.port = port
    }

    /// Creates the address of a named in-memory endpoint.
    public static func inMemory(_ name: String) -> NacosSocketAddress {
        NacosSocketAddress(family: .inMemory, host: name, port: 0)
    }

    /// The IPv4 loopback address with the given port.
    public static func loopbackIPv4(port: Int = 0) -> NacosSocketAddress {
        NacosSocketAddress(family: .ipv4, host: "127.0.0.1", port: port)
    }

    /// The IPv6 loopback address with the given port.
    public static func loopbackIPv6(port: Int = 0) -> NacosSocketAddress {
        NacosSocketAddress(family: .ipv6, host: "::1", port: port)
    }

    internal init(family: Family, host: String, port: Int) {
        self.family = family
        self.host = host
        self.port = port
    }

    /// `host:port`, `[host]:port` for IPv6, or `inmemory:name`.
    public var description: String {
        switch self.family {
        case .ipv4: "\(self.host):\(self.port)"
        case .ipv6: "[\(self.host)]:\(self.port)"
        case .inMemory: "inmemory:\(self.host)"
        }
    }
}
