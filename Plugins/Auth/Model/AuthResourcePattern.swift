/// A permission's resource: `namespace:group:type/name` where `*` matches any run of characters (Nacos
/// turns the pattern into a regular expression; here every other character is literal, so a `.` in a
/// service name matches only a `.`).
///
/// As in Nacos's console, `dev:*:*` covers every resource of namespace `dev`, and a blank namespace
/// (`:*:*`) means `public`.
public struct AuthResourcePattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as stored.
    public let text: String
    fileprivate let normalized: [UInt8]

    /// The longest pattern accepted.
    public static let maxLength = 512

    /// Parses `text`; `nil` when it is empty, too long, has control characters or lacks the
    /// `namespace:group:` form.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength, !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.text = text
        let namespace = parts[0].isEmpty ? "public" : String(parts[0])
        self.normalized = Array("\(namespace):\(parts[1]):\(parts[2])".utf8)
    }

    /// The pattern as stored.
    public var description: String { self.text }

    /// Whether `resource` lies inside the pattern.
    public func matches(_ resource: AuthResource) -> Bool {
        Self.glob(self.normalized[...], Array(resource.description.utf8)[...])
    }

    /// Iterative wildcard matching with backtracking to the last `*` (linear in practice, never exponential).
    fileprivate static func glob(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        let star = UInt8(ascii: "*")
        var p = pattern.startIndex
        var s = subject.startIndex
        var starAt: Int?
        var resumeAt = subject.startIndex
        while s < subject.endIndex {
            if p < pattern.endIndex, pattern[p] == star {
                starAt = p
                resumeAt = s
                p += 1
            } else if p < pattern.endIndex, pattern[p] == subject[s] {
                p += 1
                s += 1
            } else if let star = starAt {
                p = star + 1
                resumeAt += 1
                s = resumeAt
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == star { p += 1 }
        return p == pattern.endIndex
    }
}

extension AuthResourcePattern {
    /// Whether the resource whose `description` is `subject` (UTF-8) lies inside the pattern; for checking
    /// one resource against many patterns without re-encoding it.
    public func matches(utf8 subject: [UInt8]) -> Bool {
        Self.glob(self.normalized[...], subject[...])
    }
}
