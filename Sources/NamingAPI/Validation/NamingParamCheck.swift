/// Nacos's default parameter checks for naming requests (reference §3.9), with the reason texts of Java's
/// `DefaultParamChecker` (2.5.1).
///
/// Every check returns `nil` when the value is valid and the reason otherwise. As in Java, a `nil` or blank
/// value (empty or only whitespace) passes every string check, lengths count UTF-16 code units as Java's
/// `String.length()` does, and the patterns are those of Java's `ParamCheckRule`, matched by hand:
///
/// | Param | Rule |
/// |---|---|
/// | namespace | ≤ 64, only `A-Za-z0-9_-` |
/// | serviceName | ≤ 512, `^(?!@).((?!@@)[^\u4E00-\u9FA5\s])*$` |
/// | groupName | ≤ 128, only `A-Za-z0-9-_:.` |
/// | cluster | ≤ 64, only `A-Za-z0-9-_`; a cluster list is checked item by item |
/// | ip | ≤ 128, no `\u4E00-\u9FA5`, no `\s` |
/// | port | 0...65535 |
/// | metadata | total UTF-16 length of the non-blank keys and values ≤ the limit (1024 by default) |
///
/// The service name pattern checks only that its first character is not `@` (nor a line break), so, as in
/// Java, a single leading space or CJK character passes; `\s` is Java's ASCII set (space, `\t`, `\n`,
/// `\u{0B}`, `\f`, `\r`).
public enum NamingParamCheck {
    /// The text the server puts before the reason in a rejected request's `message`.
    public static let messagePrefix = "Param check invalid:"
    /// The metadata limit Nacos applies unless `nacos.naming.service.metadata.length` changes it.
    public static let defaultMetadataLimit = 1024
    /// The longest namespace id accepted, in UTF-16 code units.
    public static let maxNamespaceLength = 64
    /// The longest service name accepted, in UTF-16 code units.
    public static let maxServiceNameLength = 512
    /// The longest group name accepted, in UTF-16 code units.
    public static let maxGroupNameLength = 128
    /// The longest cluster name accepted, in UTF-16 code units.
    public static let maxClusterLength = 64
    /// The longest ip accepted, in UTF-16 code units.
    public static let maxIPLength = 128
    /// The ports accepted.
    public static let portRange: ClosedRange<Int> = 0...65535

    /// `messagePrefix` followed by `reason`, the `message` the server sends for a failed check.
    public static func message(for reason: String) -> String {
        Self.messagePrefix + reason
    }

    // MARK: Single values

    /// Checks a namespace id: at most 64 characters of `A-Za-z0-9_-`.
    public static func namespace(_ namespace: String?) -> String? {
        guard let namespace, !JavaText.isBlank(namespace) else { return nil }
        if JavaText.length(namespace) > Self.maxNamespaceLength {
            return Self.tooLong("namespaceId/tenant", Self.maxNamespaceLength)
        }
        for scalar in namespace.unicodeScalars where !(JavaText.isAlphanumeric(scalar) || scalar == "_" || scalar == "-") {
            return Self.illegalCharacters("namespaceId/tenant")
        }
        return nil
    }

    /// Checks an ungrouped service name: at most 512 characters, not starting with `@`, without `@@`, CJK or whitespace.
    public static func serviceName(_ serviceName: String?) -> String? {
        guard let serviceName, !JavaText.isBlank(serviceName) else { return nil }
        if JavaText.length(serviceName) > Self.maxServiceNameLength {
            return Self.tooLong("serviceName", Self.maxServiceNameLength)
        }
        var isFirst = true
        var previousIsAt = false
        for scalar in serviceName.unicodeScalars {
            if isFirst {
                // `^(?!@).`: any character but `@` and a line terminator.
                if scalar == "@" || JavaText.isLineTerminator(scalar) { return Self.illegalCharacters("serviceName") }
                isFirst = false
            } else {
                // `((?!@@)[^\u4E00-\u9FA5\s])*$`: no `@@` and no CJK or whitespace after the first character.
                if (previousIsAt && scalar == "@") || JavaText.isCJK(scalar) || JavaText.isRegexSpace(scalar) {
                    return Self.illegalCharacters("serviceName")
                }
            }
            previousIsAt = scalar == "@"
        }
        return nil
    }

    /// Checks a group name: at most 128 characters of `A-Za-z0-9-_:.`.
    public static func groupName(_ groupName: String?) -> String? {
        guard let groupName, !JavaText.isBlank(groupName) else { return nil }
        if JavaText.length(groupName) > Self.maxGroupNameLength {
            return Self.tooLong("group", Self.maxGroupNameLength)
        }
        for scalar in groupName.unicodeScalars
        where !(JavaText.isAlphanumeric(scalar) || scalar == "-" || scalar == "_" || scalar == ":" || scalar == ".") {
            return Self.illegalCharacters("group")
        }
        return nil
    }

    /// Checks a comma-separated cluster list item by item with `cluster(_:)`; blank items pass.
    public static func clusters(_ clusters: String?) -> String? {
        guard let clusters, !JavaText.isBlank(clusters) else { return nil }
        var segment = ClusterSegment()
        for scalar in clusters.unicodeScalars {
            if scalar == "," {
                if let reason = segment.reason { return reason }
                segment = ClusterSegment()
            } else {
                segment.add(scalar)
            }
        }
        return segment.reason
    }

    /// Checks one cluster name: at most 64 characters of `A-Za-z0-9-_` (a comma is illegal here).
    public static func cluster(_ cluster: String?) -> String? {
        guard let cluster else { return nil }
        var segment = ClusterSegment()
        for scalar in cluster.unicodeScalars { segment.add(scalar) }
        return segment.reason
    }

    /// Checks an ip: at most 128 characters without CJK or whitespace (the address itself is not parsed).
    public static func ip(_ ip: String?) -> String? {
        guard let ip, !JavaText.isBlank(ip) else { return nil }
        if JavaText.length(ip) > Self.maxIPLength {
            return Self.tooLong("ip", Self.maxIPLength)
        }
        for scalar in ip.unicodeScalars where JavaText.isCJK(scalar) || JavaText.isRegexSpace(scalar) {
            return Self.illegalCharacters("ip")
        }
        return nil
    }

    /// Checks a port: 0 through 65535.
    public static func port(_ port: Int) -> String? {
        guard !Self.portRange.contains(port) else { return nil }
        return "Param 'port' is illegal, the value should be between \(Self.portRange.lowerBound) and \(Self.portRange.upperBound)."
    }

    /// Checks metadata: the UTF-16 lengths of its non-blank keys and values add up to at most `limit`.
    public static func metadata(_ metadata: [String: String]?, limit: Int = NamingParamCheck.defaultMetadataLimit) -> String? {
        guard let metadata, !metadata.isEmpty else { return nil }
        var total = 0
        for (key, value) in metadata {
            if !JavaText.isBlank(key) { total += JavaText.length(key) }
            if !JavaText.isBlank(value) { total += JavaText.length(value) }
        }
        guard total > limit else { return nil }
        return "Param 'Metadata' is illegal, the param length should not exceed \(limit)."
    }

    // MARK: Whole requests

    /// Checks the fields Nacos's param extractor takes from `request`, in Java's order, and returns the first reason.
    ///
    /// Every request has its namespace, service name and group checked. `InstanceRequest` and
    /// `PersistentInstanceRequest` add the instance's ip, port, cluster name and metadata;
    /// `BatchInstanceRequest` adds, per instance, its service name, cluster name, ip, port and metadata;
    /// `SubscribeServiceRequest` adds `clusters`; `ServiceQueryRequest` adds `cluster` and `udpPort`.
    public static func check(_ request: any NamingRequest, metadataLimit: Int = NamingParamCheck.defaultMetadataLimit) -> String? {
        if let reason = Self.namespace(request.namespace) ?? Self.serviceName(request.serviceName)
            ?? Self.groupName(request.groupName)
        {
            return reason
        }
        switch request {
        case let request as InstanceRequest:
            return request.instance.flatMap { Self.instanceFields($0, metadataLimit: metadataLimit) }
        case let request as PersistentInstanceRequest:
            return request.instance.flatMap { Self.instanceFields($0, metadataLimit: metadataLimit) }
        case let request as BatchInstanceRequest:
            for instance in request.instances ?? [] {
                if let reason = Self.serviceName(instance.serviceName)
                    ?? Self.instanceFields(instance, metadataLimit: metadataLimit)
                {
                    return reason
                }
            }
            return nil
        case let request as SubscribeServiceRequest:
            return Self.clusters(request.clusters)
        case let request as ServiceQueryRequest:
            return Self.clusters(request.cluster) ?? Self.port(request.udpPort)
        default:
            return nil
        }
    }

    /// The instance fields the extractors take, in Java's order: cluster, ip, port, metadata.
    private static func instanceFields(_ instance: Instance, metadataLimit: Int) -> String? {
        Self.cluster(instance.clusterName) ?? Self.ip(instance.ip) ?? Self.port(instance.port)
            ?? Self.metadata(instance.metadata, limit: metadataLimit)
    }

    // MARK: Reason texts

    /// Java's length failure text for `param`.
    private static func tooLong(_ param: String, _ max: Int) -> String {
        "Param '\(param)' is illegal, the param length should not exceed \(max)."
    }

    /// Java's pattern failure text for `param`.
    private static func illegalCharacters(_ param: String) -> String {
        "Param '\(param)' is illegal, illegal characters should not appear in the param."
    }

    /// One cluster name read a character at a time, so a comma list is checked without splitting it.
    private struct ClusterSegment {
        var length = 0
        var blank = true
        var legal = true

        @inline(__always)
        mutating func add(_ scalar: Unicode.Scalar) {
            self.length += scalar.utf16.count
            if self.blank, !JavaText.isWhitespace(scalar) { self.blank = false }
            if self.legal, !(JavaText.isAlphanumeric(scalar) || scalar == "-" || scalar == "_") { self.legal = false }
        }

        /// The failure for the segment read so far, or `nil` when it is blank or valid.
        var reason: String? {
            if self.blank { return nil }
            if self.length > NamingParamCheck.maxClusterLength {
                return NamingParamCheck.tooLong("cluster", NamingParamCheck.maxClusterLength)
            }
            return self.legal ? nil : NamingParamCheck.illegalCharacters("cluster")
        }
    }
}
