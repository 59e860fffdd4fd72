/// Checks of a configuration built in code rather than by `NacosServerConfigurationLoader`.
extension NacosServerConfiguration {
    /// Checks every value against its key's range (as if it had been read from a file) and what the loader
    /// checks across keys: derived ports in range and distinct, TLS certificate and key files present and
    /// readable, a trust file for mutual authentication, and a cluster node's members (the member list, or
    /// else a readable, well-formed `cluster.conf`).
    ///
    /// - Returns: warnings about settings that have no effect (a member list on a standalone node).
    /// - Throws: `NacosServerConfigurationError` naming the key at fault.
    @discardableResult
    public func validate() throws(NacosServerConfigurationError) -> [String] {
        var scratch = self
        for key in NacosServerConfigurationKey.all {
            let value = key.value(in: self)
            guard value != key.defaultValue else { continue }
            try key.apply(value, from: .defaults, to: &scratch)
        }
        var warnings: [String] = []
        try ConfigurationValidator(
            origins: [:],
            isReadableFile: ConfigurationFileSystem.isReadableFile,
            readFile: ConfigurationFileSystem.read
        ).validate(self, warnings: &warnings)
        return warnings
    }
}
