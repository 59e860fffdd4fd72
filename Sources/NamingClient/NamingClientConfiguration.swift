import NacosGRPC
public import NacosRemote
public import NacosTransport

/// What a `NamingService` connects to and how it behaves; the defaults are the Java SDK's (reference §8).
public struct NamingClientConfiguration: Sendable {
    /// The servers' client RPC addresses (HTTP port + 1000, 9848 by default), tried round-robin.
    public var serverAddresses: [NacosSocketAddress]
    /// The namespace every request names (`public`).
    public var namespace: String
    /// The application name sent as label `AppName` and header `app`.
    public var appName: String
    /// The remoting settings (timeouts, retries, back-off, protocol); its server list, labels, tenant and
    /// `app` header are filled in from the fields above when the service is created. Its protocol layer is
    /// gRPC (`NacosGRPCProtocol`), so the SDK talks to Alibaba's Nacos servers as well as ours; set
    /// `rpc.protocolLayer = NacosNativeProtocol()` for the native frames.
    public var rpc: NacosRpcClientConfiguration
    /// How often registrations and subscriptions lost with a connection are re-sent while connected (3 s).
    public var redoInterval: Duration = .seconds(3)
    /// The directory of the disk snapshot and the failover files; `nil` keeps no snapshot and never fails over.
    public var cacheDirectory: String?
    /// Whether `start()` seeds the cache from the disk snapshot (Java's `namingLoadCacheAtStart`, false).
    public var loadCacheAtStart = false
    /// How often the failover switch file is read (5 s).
    public var failoverCheckInterval: Duration = .seconds(5)
    /// Whether pushes and query answers without a healthy, positively weighted instance are ignored
    /// (Java's `namingPushEmptyProtection`, false).
    public var pushEmptyProtection = false
    /// The user to log in as when the servers have auth on; with `password` set too, `start()` logs in at
    /// `/nacos/v1/auth/users/login` and every request carries the access token (Java's `username`).
    public var username: String?
    /// The password of `username` (Java's `password`).
    public var password: String?
    /// The servers' HTTP addresses to log in at, tried in order; `nil` derives them from `serverAddresses`
    /// (each RPC port minus `rpc.serverPortOffset`, 1000: 9848 → 8848). The RPC transport dials them too,
    /// so over TLS the login is HTTPS.
    public var loginAddresses: [NacosSocketAddress]?

    /// Creates a configuration for the given servers.
    public init(serverAddresses: [NacosSocketAddress], namespace: String = "public", appName: String = "unknown") {
        self.serverAddresses = serverAddresses
        self.namespace = namespace
        self.appName = appName
        self.rpc = NacosRpcClientConfiguration(name: "naming", serverAddresses: serverAddresses)
        self.rpc.protocolLayer = NacosGRPCProtocol()
    }

    /// Whether the service logs in: `username` is non-empty and `password` is set.
    public var isAuthEnabled: Bool {
        guard let username = self.username, !username.isEmpty else { return false }
        return self.password != nil
    }

    /// The HTTP addresses the service logs in at: `loginAddresses`, or each of `serverAddresses` with its
    /// port lowered by `rpc.serverPortOffset` (an in-memory address is used as it is).
    public var effectiveLoginAddresses: [NacosSocketAddress] {
        if let addresses = self.loginAddresses { return addresses }
        return self.serverAddresses.compactMap { address in
            guard address.family != .inMemory else { return address }
            return try? NacosSocketAddress(ipAddress: address.host, port: address.port - self.rpc.serverPortOffset)
        }
    }

    /// The RPC client configuration the service uses: `rpc` with the servers, labels
    /// (`source=sdk`, `module=naming`, `AppName`), tenant and `app` header of this configuration.
    public var effectiveRpcConfiguration: NacosRpcClientConfiguration {
        var rpc = self.rpc
        rpc.serverAddresses = self.serverAddresses
        rpc.labels["source"] = "sdk"
        rpc.labels["module"] = "naming"
        rpc.labels["AppName"] = self.appName
        rpc.tenant = self.namespace
        rpc.headers["app"] = self.appName
        return rpc
    }
}
