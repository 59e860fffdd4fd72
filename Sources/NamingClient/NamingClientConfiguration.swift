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

    /// Creates a configuration for the given servers.
    public init(serverAddresses: [NacosSocketAddress], namespace: String = "public", appName: String = "unknown") {
        self.serverAddresses = serverAddresses
        self.namespace = namespace
        self.appName = appName
        self.rpc = NacosRpcClientConfiguration(name: "naming", serverAddresses: serverAddresses)
        self.rpc.protocolLayer = NacosGRPCProtocol()
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
