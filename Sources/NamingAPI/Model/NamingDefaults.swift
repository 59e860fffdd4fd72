/// The names, separators, metadata keys and timings Nacos's naming API fixes (reference §0, §3.8).
public enum NamingDefaults {
    /// The namespace used when none is given, `public`.
    public static let namespace = "public"
    /// The group used when none is given, `DEFAULT_GROUP`.
    public static let group = "DEFAULT_GROUP"
    /// The cluster used when none is given, `DEFAULT`.
    public static let cluster = "DEFAULT"
    /// The separator between group and service in a grouped name, `@@`.
    public static let groupedNameSeparator = "@@"
    /// The instance id generator Nacos names in `instanceIdGenerator`, `simple`.
    public static let instanceIdGenerator = "simple"
    /// The separator between the parts of a generated instance id, `#`.
    public static let instanceIdSeparator = "#"

    /// The beat interval advertised to clients, in milliseconds (5 s).
    public static let heartBeatIntervalMillis: Int64 = 5000
    /// How long an ip:port instance stays healthy without a beat, in milliseconds (15 s).
    public static let heartBeatTimeoutMillis: Int64 = 15000
    /// How long an ip:port instance lives without a beat, in milliseconds (30 s).
    public static let ipDeleteTimeoutMillis: Int64 = 30000
    /// The `cacheMillis` the server puts in every ServiceInfo (switch `defaultPushCacheMillis`, 10 s).
    public static let pushCacheMillis: Int64 = 10000

    /// Metadata key overriding the beat interval, in milliseconds.
    public static let heartBeatIntervalKey = "preserved.heart.beat.interval"
    /// Metadata key overriding the unhealthy timeout, in milliseconds.
    public static let heartBeatTimeoutKey = "preserved.heart.beat.timeout"
    /// Metadata key overriding the delete timeout, in milliseconds.
    public static let ipDeleteTimeoutKey = "preserved.ip.delete.timeout"
    /// Metadata key naming the instance id generator.
    public static let instanceIdGeneratorKey = "preserved.instance.id.generator"
    /// Metadata key naming who registered the instance (for example `SPRING_CLOUD`).
    public static let registerSourceKey = "preserved.register.source"

    /// `namespace` with a blank value replaced by `public`.
    public static func namespace(_ namespace: String?) -> String {
        guard let namespace, !namespace.isBlank else { return Self.namespace }
        return namespace
    }

    /// `group` with a blank value replaced by `DEFAULT_GROUP`.
    public static func group(_ group: String?) -> String {
        guard let group, !group.isBlank else { return Self.group }
        return group
    }

    /// `cluster` with a blank value replaced by `DEFAULT`.
    public static func cluster(_ cluster: String?) -> String {
        guard let cluster, !cluster.isBlank else { return Self.cluster }
        return cluster
    }

    /// `group@@service`, Nacos's grouped service name.
    public static func groupedName(service: String, group: String) -> String {
        group + Self.groupedNameSeparator + service
    }

    /// Splits a grouped name into group and service; a name without `@@` is in `DEFAULT_GROUP`.
    public static func splitGroupedName(_ groupedName: String) -> (group: String, service: String) {
        let utf8 = Array(groupedName.utf8)
        var index = 0
        while index + 1 < utf8.count {
            if utf8[index] == UInt8(ascii: "@") && utf8[index + 1] == UInt8(ascii: "@") {
                let group = String(decoding: utf8[..<index], as: UTF8.self)
                let service = String(decoding: utf8[(index + 2)...], as: UTF8.self)
                return (group, service)
            }
            index += 1
        }
        return (Self.group, groupedName)
    }

    /// The comma-separated clusters of `clusters` with blanks dropped, in order and without duplicates.
    public static func clusterList(_ clusters: String?) -> [String] {
        guard let clusters, !clusters.isEmpty else { return [] }
        var seen = Set<String>()
        var result: [String] = []
        for part in clusters.split(separator: ",") {
            let name = String(part).trimmingBlanks
            if !name.isEmpty, seen.insert(name).inserted { result.append(name) }
        }
        return result
    }
}

extension String {
    /// Whether the string is empty or only spaces, tabs and line breaks (Java's `StringUtils.isBlank`).
    package var isBlank: Bool {
        self.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    }

    /// The string without leading and trailing spaces, tabs and line breaks.
    package var trimmingBlanks: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = self.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = self.lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
