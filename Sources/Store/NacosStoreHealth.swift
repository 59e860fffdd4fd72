/// Whether a store takes writes now, as the readiness probe and the metrics report it.
public struct NacosStoreHealth: Sendable, Equatable {
    /// Whether commits can succeed now.
    public var isAvailable: Bool
    /// A short reason when unavailable, else a short description (the file or server).
    public var detail: String

    /// Creates a health report.
    public init(isAvailable: Bool, detail: String) {
        self.isAvailable = isAvailable
        self.detail = detail
    }
}
