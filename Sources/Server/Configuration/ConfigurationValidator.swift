import NacosAuth
/// Checks the values that are valid alone but not together: ports, TLS files, mode and members.
internal struct ConfigurationValidator {
    /// Where each key's value came from (keys left at their default are absent).
    let origins: [String: NacosServerConfigurationSource]
    /// Whether a path names a readable file.
    let isReadableFile: (String) -> Bool
    /// Reads a file (`cluster.conf`).
    let readFile: (String) -> Result<String, ConfigurationFileSystem.ReadFailure>

    /// Throws for the first inconsistency and appends warnings for settings that have no effect.
    func validate(_ configuration: NacosServerConfiguration, warnings: inout [String]) throws(NacosServerConfigurationError) {
        try self.validatePorts(configuration)
        try self.validateTLS(configuration.clientRpcTLS, prefix: "nacos.remote.server.rpc.tls", port: "client RPC", style: .rpc)
        try self.validateTLS(configuration.clusterRpcTLS, prefix: "nacos.remote.peer.rpc.tls", port: "cluster RPC", style: .rpc)
        try self.validateTLS(configuration.httpTLS, prefix: "server.ssl", port: "HTTP", style: .http)
        try self.validateMembers(configuration, warnings: &warnings)
        try self.validateAuth(configuration)
    }

    /// Auth that is on has a usable secret key and, in a cluster, a server identity; the user-agent
    /// allow-list is never on; keys are valid base64.
    private func validateAuth(_ configuration: NacosServerConfiguration) throws(NacosServerConfigurationError) {
        let auth = configuration.auth
        func fail(_ key: String, _ message: String) -> NacosServerConfigurationError {
            NacosServerConfigurationError(kind: .inconsistent, key: key, source: self.origins[key], message: "\(key)\(self.from(key)) \(message)")
        }
        if auth.userAgentAuthWhite {
            throw fail("nacos.core.auth.enable.userAgentAuthWhite", "is refused as insecure: any client can send a Nacos user agent; give clients a user and a token instead")
        }
        let keyName = "nacos.core.auth.plugin.nacos.token.secret.key"
        for (name, value) in [(keyName, auth.secretKey), ("nacos.core.auth.plugin.nacos.token.secret.key.previous", auth.previousSecretKey)] {
            guard let value else { continue }
            guard let bytes = ServerAuthFactory.decodeKey(value) else { throw fail(name, "is not base64") }
            guard bytes.count >= AuthConfiguration.minimumSecretKeyBytes else {
                throw fail(name, "decodes to \(bytes.count) bytes; at least \(AuthConfiguration.minimumSecretKeyBytes) are needed (openssl rand -base64 32)")
            }
        }
        guard auth.enabled else { return }
        if auth.secretKey == nil {
            throw fail(keyName, "is required when nacos.core.auth.enabled=true: a base64 key of at least \(AuthConfiguration.minimumSecretKeyBytes) bytes (openssl rand -base64 32), the same on every node")
        }
        if configuration.mode == .cluster {
            for name in ["nacos.core.auth.server.identity.key", "nacos.core.auth.server.identity.value"]
            where (name.hasSuffix(".key") ? auth.serverIdentityKey : auth.serverIdentityValue) == nil {
                throw fail(name, "is required when nacos.core.auth.enabled=true in cluster mode: members identify each other with it")
            }
        }
    }

    /// A cluster node has members (from the list, else a readable, well-formed cluster.conf); settings
    /// that cannot take effect are reported.
    private func validateMembers(_ configuration: NacosServerConfiguration, warnings: inout [String]) throws(NacosServerConfigurationError) {
        guard configuration.mode == .cluster else {
            for key in ["nacos.member.list", "nacos.member.cluster-conf"] where self.isSet(key, in: configuration) {
                warnings.append("ignoring \(key)\(self.from(key)): the node is standalone (nacos.standalone=true)")
            }
            return
        }
        _ = try ClusterMemberSource.members(of: configuration, origins: self.origins, readFile: self.readFile)
        if !configuration.memberList.isEmpty, self.isSet("nacos.member.cluster-conf", in: configuration) {
            warnings.append(
                "ignoring nacos.member.cluster-conf\(self.from("nacos.member.cluster-conf")): "
                    + "nacos.member.list is set\(self.from("nacos.member.list")) and wins"
            )
        }
    }

    /// Whether the member setting `key` has a value.
    private func isSet(_ key: String, in configuration: NacosServerConfiguration) -> Bool {
        key == "nacos.member.list" ? !configuration.memberList.isEmpty : configuration.clusterConfPath != nil
    }

    /// Ports in range once derived, and no two equal (0, "any free port", may repeat).
    private func validatePorts(_ configuration: NacosServerConfiguration) throws(NacosServerConfigurationError) {
        let ports = configuration.ports
        let derived: [(name: String, port: Int, explicit: Int?, offset: Int)] = [
            ("nacos.remote.server.grpc.sdk.port", ports.clientRpc, configuration.clientRpcPort, NacosServerPorts.clientRpcOffset),
            ("nacos.remote.server.grpc.cluster.port", ports.clusterRpc, configuration.clusterRpcPort, NacosServerPorts.clusterRpcOffset),
        ]
        for entry in derived where entry.explicit == nil && entry.port > 65535 {
            throw NacosServerConfigurationError(
                kind: .inconsistent, key: "server.port", source: self.origins["server.port"],
                message: "server.port \(configuration.httpPort)\(self.from("server.port")) puts \(entry.name) at "
                    + "server.port + \(entry.offset) = \(entry.port), above 65535: lower server.port or set \(entry.name)"
            )
        }
        let named = [("server.port", ports.http)] + derived.map { ($0.name, $0.port) }
        for (first, firstIndex) in zip(named, named.indices) {
            for second in named[(firstIndex + 1)...] where first.1 != 0 && first.1 == second.1 {
                throw NacosServerConfigurationError(
                    kind: .inconsistent, key: second.0, source: self.origins[second.0] ?? self.origins[first.0],
                    message: "\(first.0) and \(second.0) are both \(first.1)\(self.from(first.0, second.0)): the three ports must differ"
                )
            }
        }
    }

    /// The key names of one port's TLS settings.
    enum TLSStyle {
        /// Nacos's `RpcServerTlsConfig` names.
        case rpc
        /// Spring Boot's `server.ssl.*` names.
        case http
    }

    /// TLS that is on has a certificate and key that can be read; mutual auth has a trust file.
    private func validateTLS(
        _ tls: NacosServerTLSSettings,
        prefix: String,
        port: String,
        style: TLSStyle
    ) throws(NacosServerConfigurationError) {
        guard tls.enabled else { return }
        let enabledKey = style == .rpc ? "\(prefix).enableTls" : "\(prefix).enabled"
        let mutualKey = style == .rpc ? "\(prefix).mutualAuthEnable" : "\(prefix).client-auth"
        let files: [(key: String, path: String?, requiredBy: String?, what: String)] = [
            (style == .rpc ? "\(prefix).certChainFile" : "\(prefix).certificate", tls.certificateChainFile, enabledKey, "certificate chain"),
            (style == .rpc ? "\(prefix).certPrivateKey" : "\(prefix).certificate-private-key", tls.privateKeyFile, enabledKey, "private key"),
            (
                style == .rpc ? "\(prefix).trustCollectionCertFile" : "\(prefix).trust-certificate", tls.trustCertificateFile,
                tls.mutualAuth ? mutualKey : nil, "trusted CA certificates"
            ),
        ]
        for file in files {
            guard let path = file.path else {
                guard let requiredBy = file.requiredBy else { continue }
                let why = requiredBy == mutualKey
                    ? "\(mutualKey) asks the \(port) port to verify client certificates\(self.from(mutualKey))"
                    : "\(enabledKey) turns TLS on for the \(port) port\(self.from(enabledKey))"
                throw NacosServerConfigurationError(
                    kind: .inconsistent, key: file.key, source: self.origins[requiredBy],
                    message: "\(why), but \(file.key) is not set: give the PEM file of the \(file.what)"
                )
            }
            guard self.isReadableFile(path) else {
                throw NacosServerConfigurationError(
                    kind: .inconsistent, key: file.key, source: self.origins[file.key],
                    message: "\(file.key) names \(path)\(self.from(file.key)), which does not exist or cannot be read"
                )
            }
        }
    }

    /// ` (from SOURCE)` or ` (from A and B)` for the keys that were set, or empty for defaults.
    private func from(_ keys: String...) -> String {
        let sources = keys.compactMap { key in self.origins[key].map { "\($0)" } }
        return sources.isEmpty ? "" : " (from \(sources.joined(separator: " and ")))"
    }
}
