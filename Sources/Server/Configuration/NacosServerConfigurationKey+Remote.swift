import NacosRemote

/// The keys of the RPC section: frame and connection limits of the RPC ports, and the connection
/// manager's ejector, loader and limit rule (docs/remote.md).
extension NacosServerConfigurationKey {
    /// The largest frame limit an RPC port accepts (the frame header's 32-bit length).
    static let frameLengthRange = 1024...Int(UInt32.max)

    /// The keys of the RPC section, in table order.
    static let remoteKeys: [Self] = [
        Self(
            "nacos.remote.server.grpc.maxinbound.message.size", type: .bytes, section: .remote, nacos: true,
            "Deprecated by Nacos: sets the largest frame of both RPC ports; the two keys below override it.",
            expectation: Self.frameLengthExpectation,
            get: { $0.rpc.clientMaxFrameLength },
            set: { configuration, bytes in
                configuration.rpc.clientMaxFrameLength = bytes
                configuration.rpc.clusterMaxFrameLength = bytes
            },
            parse: { ConfigurationValueParser.bytes($0, in: Self.frameLengthRange) },
            render: { ConfigurationValueParser.renderBytes($0) }
        ),
        Self.bytes(
            "nacos.remote.server.grpc.sdk.max-inbound-message-size", .remote, nacos: true, range: Self.frameLengthRange,
            "The largest frame the client RPC port accepts; a larger length header closes the connection.",
            \.rpc.clientMaxFrameLength
        ),
        Self.bytes(
            "nacos.remote.server.grpc.cluster.max-inbound-message-size", .remote, nacos: true, range: Self.frameLengthRange,
            "The largest frame the cluster RPC port and the links to other members accept (Nacos: 10 MiB; a Distro snapshot is one frame, about 31 MB per 100k instances).",
            \.rpc.clusterMaxFrameLength
        ),
        Self.protocols(
            "nacos.remote.server.rpc.sdk.protocols",
            "The protocols the client RPC port serves, told apart by each connection's first bytes: grpc (every Nacos 2.x SDK), native, or both.",
            \.rpc.clientProtocols
        ),
        Self.protocols(
            "nacos.remote.server.rpc.cluster.protocols",
            "The protocols the cluster RPC port serves: grpc, native, or both.",
            \.rpc.clusterProtocols
        ),
        Self(
            "nacos.remote.client.cluster.protocol", type: .enumeration(NacosServerRpcProtocol.allCases.map(\.rawValue)), section: .remote,
            nacos: false,
            "The protocol of the links this node opens to the other members' cluster ports.",
            expectation: "one of grpc, native",
            path: \.rpc.clusterLinkProtocol,
            parse: { NacosServerRpcProtocol(rawValue: ConfigurationValueParser.enumeration($0, of: NacosServerRpcProtocol.allCases.map(\.rawValue)) ?? "") },
            render: { $0.rawValue }
        ),
        Self.int(
            "nacos.remote.server.grpc.max-concurrent-streams", .remote, nacos: false, range: 1...Int(Int32.max),
            "The most concurrent HTTP/2 streams one gRPC connection may open (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused with REFUSED_STREAM.",
            \.rpc.grpcMaxConcurrentStreams
        ),
        Self.bytes(
            "nacos.remote.server.grpc.initial-window-size", .remote, nacos: false, range: 65_535...Int(Int32.max),
            "The HTTP/2 flow-control window of each gRPC stream (SETTINGS_INITIAL_WINDOW_SIZE).",
            \.rpc.grpcInitialWindowSize
        ),
        Self.bytes(
            "nacos.remote.server.grpc.max-header-list-size", .remote, nacos: false, range: 1024...Int(Int32.max),
            "The largest HTTP/2 header list a gRPC peer may send (SETTINGS_MAX_HEADER_LIST_SIZE); a larger one refuses its stream.",
            \.rpc.grpcMaxHeaderListSize
        ),
        Self.int(
            "nacos.remote.server.max-connections", .remote, nacos: false, range: 1...Int.max,
            "The most connections each RPC port keeps open; more are closed as soon as they are accepted.",
            \.rpc.maxConnections
        ),
        Self.duration(
            "nacos.remote.server.ejector.keep-alive-time", .remote, nacos: false,
            "How long a connection may be silent before the ejector sends it ClientDetectionRequest (Nacos KEEP_ALIVE_TIME).",
            \.connections.keepAliveTime
        ),
        Self.duration(
            "nacos.remote.server.ejector.interval", .remote, nacos: false,
            "How often the ejector looks for silent connections and runs pending reloads.",
            \.connections.ejectorInterval
        ),
        Self.duration(
            "nacos.remote.server.ejector.initial-delay", .remote, nacos: false, minimum: .zero,
            "The delay before the ejector's first run.",
            \.connections.ejectorInitialDelay
        ),
        Self.duration(
            "nacos.remote.server.ejector.detection-timeout", .remote, nacos: false,
            "How long a probed connection has to answer ClientDetectionRequest before it is closed.",
            \.connections.detectionTimeout
        ),
        Self.duration(
            "nacos.remote.server.loader.reset-timeout", .remote, nacos: false,
            "How long a loader reload (reloadClient, reloadCurrent, ServerReloadRequest) waits for a client to acknowledge ConnectResetRequest.",
            \.connections.resetTimeout
        ),
        Self.path(
            "nacos.remote.server.limit-rule.file", .remote, nacos: false,
            "JSON connection limit rule (Nacos 2.0's limitRule shape), re-read when it changes; none uses the three keys below.",
            \.connections.limitRuleFile
        ),
        Self.duration(
            "nacos.remote.server.limit-rule.check-interval", .remote, nacos: false,
            "How often the limit-rule file is checked for changes.",
            \.connections.limitRuleCheckInterval
        ),
        Self.int(
            "nacos.remote.server.limit.count", .remote, nacos: false, range: -1...Int.max,
            "The most SDK connections in total (countLimit); -1 is unlimited. Cluster connections are never limited.",
            \.connections.limitRule.countLimit
        ),
        Self.int(
            "nacos.remote.server.limit.count-per-client-ip", .remote, nacos: false, range: -1...Int.max,
            "The most SDK connections from one client IP (countLimitPerClientIpDefault); -1 is unlimited.",
            \.connections.limitRule.countLimitPerClientIpDefault
        ),
        Self(
            "nacos.remote.server.limit.monitor-ips", type: .list, section: .remote, nacos: false,
            "Client IPs whose every request and push is logged with its body (monitorIpList).",
            defaultValue: "(empty)",
            expectation: "a comma-separated list of IP addresses or host names",
            get: { $0.connections.limitRule.monitorIpList.sorted() },
            set: { $0.connections.limitRule.monitorIpList = Set($1) },
            parse: { text in
                let items = ConfigurationValueParser.list(text)
                return items.allSatisfy(Self.isHostName) ? items : nil
            },
            render: { $0.isEmpty ? "(empty)" : $0.joined(separator: ",") }
        ),
    ]

    /// A list of protocol layers: `grpc`, `native`, or both, at least one, each once.
    private static func protocols(
        _ name: String,
        _ meaning: String,
        _ path: any WritableKeyPath<NacosServerConfiguration, [NacosServerRpcProtocol]> & Sendable
    ) -> Self {
        Self(
            name, type: .list, section: .remote, nacos: false, meaning,
            defaultValue: "grpc,native",
            expectation: "a comma-separated list of grpc and native (at least one)",
            path: path,
            parse: { text in
                let items = ConfigurationValueParser.list(text).map { $0.lowercased() }
                let protocols = items.compactMap(NacosServerRpcProtocol.init(rawValue:))
                guard !protocols.isEmpty, protocols.count == items.count, Set(protocols).count == protocols.count else { return nil }
                return protocols
            },
            render: { $0.map(\.rawValue).joined(separator: ",") }
        )
    }

    /// What a frame limit looks like.
    private static var frameLengthExpectation: String {
        "a size in bytes, optionally with a unit (B, KiB, MiB, GiB; KB and MB are binary too) in 1KiB...\(UInt32.max)"
    }
}
