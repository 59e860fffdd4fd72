import Synchronization

/// Which member is responsible for a tag (an instance's `ip:port`) among the Distro-healthy members
/// (Nacos's `DistroMapper`, reference §7.1).
///
/// The healthy list is kept sorted as Java sorts strings (by UTF-16 code units) so that every node, Java
/// or Swift, maps a tag to the same member.
public final class DistroMapper: Sendable {
    /// This node's `ip:port`.
    public let selfAddress: String
    /// Whether Distro runs; `false` (standalone) makes this node responsible for everything.
    public let enabled: Bool
    private let members: Mutex<[String]>

    /// Creates a mapper over `healthyMembers` (the UP and SUSPICIOUS members' addresses, self included).
    public init(selfAddress: String, healthyMembers: [String], enabled: Bool = true) {
        self.selfAddress = selfAddress
        self.enabled = enabled
        self.members = Mutex(Self.sorted(healthyMembers))
    }

    /// Replaces the healthy members (on every members-change event).
    public func updateHealthyMembers(_ addresses: [String]) {
        let sorted = Self.sorted(addresses)
        self.members.withLock { $0 = sorted }
    }

    /// The healthy members' addresses, sorted, without duplicates.
    public var healthyMembers: [String] { self.members.withLock { $0 } }

    /// `abs(hashCode(tag) % Integer.MAX_VALUE)` with Java's semantics: the remainder keeps the dividend's
    /// sign, so `Integer.MIN_VALUE` maps to 1.
    public static func distroHash(_ tag: String) -> Int {
        abs(Int(JavaStringHash.hashCode(tag)) % Int(Int32.max))
    }

    /// The member responsible for `tag`; this node when the list is empty or Distro is disabled.
    public func mapServer(_ tag: String) -> String {
        let members = self.healthyMembers
        guard self.enabled, !members.isEmpty else { return self.selfAddress }
        return members[Self.distroHash(tag) % members.count]
    }

    /// Whether this node is responsible for `tag`: always when Distro is disabled, never when no member is
    /// healthy, always when this node is not among the healthy members, else when the tag maps to it.
    public func isResponsible(_ tag: String) -> Bool {
        guard self.enabled else { return true }
        let members = self.healthyMembers
        guard !members.isEmpty else { return false }
        guard let index = members.firstIndex(of: self.selfAddress) else { return true }
        return Self.distroHash(tag) % members.count == index
    }

    /// Sorts as Java's `String.compareTo` does (UTF-16 code units) and drops duplicates.
    private static func sorted(_ addresses: [String]) -> [String] {
        var seen = Set<String>()
        return addresses
            .filter { seen.insert($0).inserted }
            .sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
    }
}
