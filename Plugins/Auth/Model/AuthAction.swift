/// What a permission allows on a resource, as Nacos spells it: `r` (read), `w` (write) or `rw` (both).
public enum AuthAction: String, Sendable, Hashable, CaseIterable {
    /// Reading: queries, lists, subscriptions.
    case read = "r"
    /// Writing: registrations, deregistrations, metadata changes.
    case write = "w"
    /// Reading and writing.
    case readWrite = "rw"

    /// Whether a permission with this action allows `needed` (`rw` allows both, as Nacos's
    /// `permissionAction.contains(action)`).
    public func allows(_ needed: AuthAction) -> Bool {
        self == needed || self == .readWrite
    }

    /// The action a permission's `action` parameter names, or `nil` for anything but `r`, `w` and `rw`.
    public init?(parameter: String) {
        self.init(rawValue: parameter)
    }
}
