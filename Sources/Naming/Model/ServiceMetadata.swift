/// Service-level settings kept apart from instances (reference §3.8): the protect threshold and free-form
/// metadata, set through the service API.
public struct ServiceMetadata: Sendable, Hashable {
    /// When `healthy / selected <= protectThreshold`, every selected instance is returned as healthy.
    public var protectThreshold: Double
    /// Free-form service metadata.
    public var extendData: [String: String]
    /// Whether the service is ephemeral.
    public var ephemeral: Bool

    /// Creates metadata; the threshold defaults to 0 as in Nacos.
    public init(protectThreshold: Double = 0, extendData: [String: String] = [:], ephemeral: Bool = true) {
        self.protectThreshold = protectThreshold
        self.extendData = extendData
        self.ephemeral = ephemeral
    }
}
