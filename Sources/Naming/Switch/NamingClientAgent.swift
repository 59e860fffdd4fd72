import NacosNamingAPI

/// A 1.x client's kind and version read from its User-Agent, e.g. `Nacos-Java-Client:v1.4.1` (Nacos's
/// `ClientInfo`); decides whether the client gets UDP pushes.
public struct NamingClientAgent: Sendable, Equatable {
    /// The client kinds Nacos tells apart by User-Agent prefix.
    public enum Kind: String, Sendable, CaseIterable {
        /// `Nacos-Go-Client`.
        case go = "Nacos-Go-Client"
        /// `Nacos-Java-Client`.
        case java = "Nacos-Java-Client"
        /// `Nacos-C-Client` (or `vip-client4cpp`).
        case c = "Nacos-C-Client"
        /// `Nacos-CSharp-Client`.
        case csharp = "Nacos-CSharp-Client"
        /// `Nacos-Php-Client`.
        case php = "Nacos-Php-Client"
        /// `Nacos-DNS`.
        case dns = "Nacos-DNS"
        /// `unit-nginx`.
        case tengine = "unit-nginx"
        /// `Nacos-SDK-Java`.
        case javaSdk = "Nacos-SDK-Java"
        /// `Nacos-Server` (a peer).
        case nacosServer = "Nacos-Server"
        /// Anything else.
        case unknown = "unknown"
    }

    /// A `major.minor.patch` version, compared numerically; a version with a qualifier (`1.4.1-SNAPSHOT`)
    /// sorts before the same version without one, as Jackson's `Version` does.
    public struct Version: Sendable, Comparable {
        /// The major number.
        public var major: Int
        /// The minor number.
        public var minor: Int
        /// The patch number.
        public var patch: Int
        /// The qualifier after the third separator, or `nil`.
        public var qualifier: String?

        /// Parses `text` as Jackson's `VersionUtil.parseVersion` does: parts split at `-_./;:`, the
        /// leading digits of the first three taken as numbers (missing or non-numeric ones are 0).
        public init(_ text: String) {
            let parts = text.split(omittingEmptySubsequences: false) { "-_./;:".contains($0) }.map(String.init)
            func number(_ index: Int) -> Int {
                guard index < parts.count else { return 0 }
                let digits = parts[index].trimmingBlanks.prefix { $0.isASCII && $0.isNumber }
                return Int(digits.prefix(9)) ?? 0
            }
            self.major = number(0)
            self.minor = number(1)
            self.patch = number(2)
            self.qualifier = parts.count > 3 && !parts[3].isEmpty ? parts[3] : nil
        }

        /// The unknown version, 0.0.0.
        public static let unknown = Version("0.0.0")

        /// Orders by major, minor and patch; then a qualified version before an unqualified one.
        public static func < (left: Version, right: Version) -> Bool {
            if left.major != right.major { return left.major < right.major }
            if left.minor != right.minor { return left.minor < right.minor }
            if left.patch != right.patch { return left.patch < right.patch }
            switch (left.qualifier, right.qualifier) {
            case (nil, nil), (nil, _?): return false
            case (_?, nil): return true
            case (let a?, let b?): return a < b
            }
        }
    }

    /// The client kind.
    public var kind: Kind
    /// The client version (`unknown` when the agent carries none).
    public var version: Version

    /// Reads a User-Agent (or `Client-Version`) header value.
    public init(_ agent: String) {
        var kind = Kind.allCases.first { $0 != .unknown && agent.hasPrefix($0.rawValue) } ?? .unknown
        if agent.hasPrefix("vip-client4cpp") { kind = .c }
        self.kind = kind
        if kind == .unknown || agent.isBlank {
            self.version = .unknown
        } else if let start = Self.versionStart(in: agent) {
            self.version = Version(String(agent[start...]))
        } else {
            self.version = .unknown
        }
    }

    /// The index just after the first `:v` of `agent`, or `nil`.
    private static func versionStart(in agent: String) -> String.Index? {
        var index = agent.startIndex
        while index < agent.endIndex {
            let next = agent.index(after: index)
            if agent[index] == ":", next < agent.endIndex, agent[next] == "v" {
                return agent.index(after: next)
            }
            index = next
        }
        return nil
    }
}
