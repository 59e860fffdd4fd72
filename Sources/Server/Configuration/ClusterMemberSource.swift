public import NacosDistro
public import NacosTransport

/// Where a cluster node's members come from (reference §7.5): `nacos.member.list` when it is set, else the
/// `cluster.conf` file (`nacos.member.cluster-conf`, by default `${nacos.home}/conf/cluster.conf`).
///
/// Entries are `ip[:port]` (port 8848 when left out), `[v6]:port` or a bare IPv6 address; Nacos's
/// `?raft_port=…` suffixes are accepted and ignored. Duplicates are removed and the members sorted by
/// address; this node is not added (the member manager adds it).
public enum ClusterMemberSource {
    /// The members of `configuration`'s cluster, read now (the file from the real file system).
    ///
    /// - Throws: `NacosServerConfigurationError` when the member list is malformed, or when it is empty and
    ///   the `cluster.conf` file cannot be read, has a malformed entry (named with its line) or lists no
    ///   member.
    public static func members(
        of configuration: NacosServerConfiguration,
        logger: NacosLogger = .disabled()
    ) throws(NacosServerConfigurationError) -> [ClusterMember] {
        let members = try Self.members(of: configuration, origins: [:], readFile: ConfigurationFileSystem.read)
        let origin = configuration.memberList.isEmpty ? configuration.clusterConfFile : "nacos.member.list"
        logger.info("cluster members (from \(origin)): \(members.map(\.address).joined(separator: ", "))")
        return members
    }

    /// The members, with `origins` naming where the settings came from and `readFile` reading `cluster.conf`.
    static func members(
        of configuration: NacosServerConfiguration,
        origins: [String: NacosServerConfigurationSource],
        readFile: (String) -> Result<String, ConfigurationFileSystem.ReadFailure>
    ) throws(NacosServerConfigurationError) -> [ClusterMember] {
        if !configuration.memberList.isEmpty {
            do {
                return try ClusterMemberLookup.parseMemberList(
                    configuration.memberList.map(NacosServerConfigurationKey.memberAddressWithoutParameters)
                )
            } catch {
                let source = origins["nacos.member.list"]
                throw NacosServerConfigurationError(
                    kind: .invalidValue, key: "nacos.member.list", source: source,
                    message: "invalid value \"\(configuration.memberList.joined(separator: ","))\" for nacos.member.list"
                        + "\(Self.from(source)): \(error)"
                )
            }
        }
        let path = configuration.clusterConfFile
        let pathSource = origins["nacos.member.cluster-conf"] ?? origins["nacos.home"]
        let text: String
        switch readFile(path) {
        case .failure(let failure):
            throw NacosServerConfigurationError(
                kind: .unreadableFile, key: "nacos.member.cluster-conf", source: pathSource,
                message: "a cluster node needs its members, but nacos.member.list is empty and the cluster.conf file \(path)"
                    + "\(Self.from(pathSource)) cannot be read: \(failure.reason); set nacos.member.list, or write the file "
                    + "(or point nacos.member.cluster-conf or nacos.home at it)"
            )
        case .success(let contents):
            text = contents
        }
        let members: [ClusterMember]
        do {
            members = try ClusterMemberLookup.parseClusterConf(Self.withoutParameters(text))
        } catch {
            throw NacosServerConfigurationError(
                kind: .malformedFile, key: "nacos.member.cluster-conf", source: error.line.map { .file(path: path, line: $0) } ?? pathSource,
                message: "cannot read the members in \(path)\(error.line.map { ":\($0)" } ?? ""): '\(error.text)': \(error.message)"
            )
        }
        guard !members.isEmpty else {
            throw NacosServerConfigurationError(
                kind: .malformedFile, key: "nacos.member.cluster-conf", source: pathSource,
                message: "the cluster.conf file \(path)\(Self.from(pathSource)) lists no members: write one ip[:port] per line"
            )
        }
        return members
    }

    /// `text` without Nacos's `?parameters` after an entry (up to the next `,`, `#` or line end); line
    /// breaks are kept, so line numbers stay right.
    static func withoutParameters(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var skipping = false
        for scalar in text.unicodeScalars {
            if skipping {
                guard scalar == "," || scalar == "#" || scalar == "\n" || scalar == "\r" else { continue }
                skipping = false
            }
            if scalar == "?" {
                skipping = true
                continue
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// ` (from SOURCE)`, or empty for a default.
    private static func from(_ source: NacosServerConfigurationSource?) -> String {
        source.map { " (from \($0))" } ?? ""
    }
}
