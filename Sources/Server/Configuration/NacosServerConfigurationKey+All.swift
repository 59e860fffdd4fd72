/// The whole key table.
extension NacosServerConfigurationKey {
    /// Every key nacos-server knows, grouped by section in the order of `Section.allCases`.
    public static let all: [NacosServerConfigurationKey] =
        Self.serverKeys + Self.clientRpcTLSKeys + Self.clusterRpcTLSKeys + Self.httpTLSKeys + Self.remoteKeys + Self.namingKeys + Self.storeKeys + Self.clusterKeys
        + Self.httpKeys + Self.authKeys

    /// The key named `name` (or having it as an alias), if any.
    public static func named(_ name: String) -> NacosServerConfigurationKey? {
        Self.byName[name]
    }

    /// Every name and alias, mapped to its key.
    private static let byName: [String: NacosServerConfigurationKey] = {
        var map: [String: NacosServerConfigurationKey] = [:]
        for key in Self.all {
            map[key.name] = key
            for alias in key.aliases { map[alias] = key }
        }
        return map
    }()
}
