import NacosDistro
import NacosTransport

/// The keys of the server section: ports, addresses, mode, membership, logging and shutdown.
extension NacosServerConfigurationKey {
    /// The HTTP port key; short flag `--port`.
    static let serverPort = Self.int(
        "server.port", aliases: ["nacos.server.main.port"], .server, nacos: true, range: 0...65535,
        "HTTP Open API port; the client RPC port is this + 1000 and the cluster RPC port this + 1001 unless set. 0 picks free ports.",
        \.httpPort
    )

    /// The standalone/cluster key; short flag `-m`.
    static let standalone = Self.bool(
        "nacos.standalone", .server, nacos: true,
        "Whether the node runs alone (true, as `-m standalone`) or as a member of a cluster (false, as `-m cluster`), whose members are nacos.member.list or else the cluster.conf file.",
        \.standalone
    )

    /// The log level key; short flag `--log-level`.
    static let logLevel = Self(
        "nacos.log.level", type: .enumeration(NacosLogger.Level.allCases.map(\.description)), section: .server, nacos: false,
        "The lowest level logged to standard error (`warn` is read as warning).",
        expectation: "one of \(NacosLogger.Level.allCases.map(\.description).joined(separator: ", "))",
        path: \.logLevel,
        parse: { text in
            let word = ConfigurationValueParser.enumeration(text, of: NacosLogger.Level.allCases.map(\.description) + ["warn"])
            return word == "warn" ? .warning : NacosLogger.Level.allCases.first { $0.description == word }
        },
        render: { $0.description }
    )

    /// The keys of the server section, in table order.
    static let serverKeys: [Self] = [
        Self.serverPort,
        Self.derivedPort(
            "nacos.remote.server.grpc.sdk.port", .server,
            "Client (SDK) RPC port; Java SDKs always dial server.port + 1000, so change it only for Swift clients or behind a proxy.",
            defaultValue: "server.port + 1000",
            \.clientRpcPort
        ),
        Self.derivedPort(
            "nacos.remote.server.grpc.cluster.port", .server,
            "Cluster (peer) RPC port; peers dial a member's port + 1001, so every member must agree on it.",
            defaultValue: "server.port + 1001",
            \.clusterRpcPort
        ),
        Self(
            "server.address", type: .string, section: .server, nacos: true,
            "The IP address every port listens on (0.0.0.0: all IPv4 interfaces, :: for IPv6).",
            expectation: "an IPv4 or IPv6 address",
            path: \.bindHost,
            parse: { text in
                let host = text.trimmingWhitespace()
                return (try? NacosSocketAddress(ipAddress: host, port: 0)) != nil ? host : nil
            },
            render: { $0 }
        ),
        Self(
            "nacos.inetutils.ip-address", aliases: ["nacos.server.ip"], type: .string, section: .server, nacos: true,
            "The IP (or host name) this node announces to clients and peers; empty detects the first non-loopback address.",
            defaultValue: "(detected)",
            expectation: "an IP address or host name, or empty to detect",
            path: \.advertisedIP,
            parse: { text -> String?? in
                let host = text.trimmingWhitespace()
                if host.isEmpty { return .some(nil) }
                return Self.isHostName(host) ? .some(host) : nil
            },
            render: { $0 ?? "(detected)" }
        ),
        Self.standalone,
        Self.list(
            "nacos.member.list", .server, nacos: true,
            "The cluster's members, `ip[:port]` each (port 8848 when left out), used when nacos.standalone is false; when empty, they are read from nacos.member.cluster-conf.",
            itemExpectation: "members written ip[:port] with a port in 1...65535",
            isValidItem: Self.isMemberAddress,
            \.memberList
        ),
        Self.path(
            "nacos.member.cluster-conf", .server, nacos: false,
            unset: "${nacos.home}/conf/cluster.conf",
            expectation: "a file path, or empty for ${nacos.home}/conf/cluster.conf",
            "The cluster.conf file a cluster node reads its members from when nacos.member.list is empty: one `ip[:port]` per line, `#` comments, commas allowed.",
            \.clusterConfPath
        ),
        Self.path(
            "nacos.home", .server, nacos: true,
            unset: "(working directory)",
            expectation: "a directory path, or empty for the working directory",
            "The node's home directory, under which conf/cluster.conf is looked for.",
            \.nacosHome
        ),
        Self.logLevel,
        Self.duration(
            "nacos.server.shutdown.grace-period", .server, nacos: false, minimum: .zero,
            "How long a graceful shutdown (SIGINT, SIGTERM) may take before the process exits anyway.",
            \.shutdownGracePeriod
        ),
    ]

    /// Whether `text` looks like an IP literal or a DNS name (letters, digits, `.`, `-`, `:`, `_`).
    static func isHostName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 253
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_") }
    }

    /// Whether `text` is a member address as Nacos writes them: `host`, `host:port`, `[ipv6]:port` or a bare
    /// IPv6 address, optionally followed by `?parameters` (which are kept and ignored).
    static func isMemberAddress(_ text: String) -> Bool {
        let address = Self.memberAddressWithoutParameters(text)
        guard !address.isEmpty, !address.contains("#"), !address.contains(",") else { return false }
        return (try? ClusterMemberLookup.parseMemberList([address])) != nil
    }

    /// A member entry without its `?parameters` (Nacos's `ip:port?raft_port=7848`).
    static func memberAddressWithoutParameters(_ text: String) -> String {
        String(text.prefix { $0 != "?" })
    }
}
