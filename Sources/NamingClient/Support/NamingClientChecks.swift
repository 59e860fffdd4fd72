import NacosNamingAPI
import NacosRemote

/// The checks the SDK makes before sending anything (Java's `NamingUtils` client-side checks): a bad
/// argument fails with `NacosException` 400 instead of a round trip.
enum NamingClientChecks {
    /// The service name, with a `group@@` prefix equal to `groupName` stripped.
    ///
    /// - Throws: 400 when the name is blank or carries a different group.
    static func serviceName(_ serviceName: String, groupName: String) throws(NacosException) -> String {
        guard !serviceName.isBlank else {
            throw NacosException(.invalidParam, "Param 'serviceName' is illegal, serviceName is blank")
        }
        guard serviceName.contains(NamingDefaults.groupedNameSeparator) else { return serviceName }
        let (group, service) = NamingDefaults.splitGroupedName(serviceName)
        guard group == groupName, !service.isBlank else {
            throw NacosException(.invalidParam, "Param 'serviceName' is illegal, group name in '\(serviceName)' does not match '\(groupName)'")
        }
        return service
    }

    /// The group, blank read as `DEFAULT_GROUP`.
    static func groupName(_ groupName: String) -> String {
        NamingDefaults.group(groupName)
    }

    /// Checks an instance: Java's `checkInstanceIsLegal`, plus a port and a weight Nacos's HTTP API would accept.
    ///
    /// - Throws: 400 with the reason.
    static func instance(_ instance: Instance) throws(NacosException) {
        if let reason = instance.illegalReason {
            throw NacosException(.invalidParam, reason)
        }
        guard (0...65535).contains(instance.port) else {
            throw NacosException(.invalidParam, "Param 'port' is illegal, \(instance.port) is outside 0...65535")
        }
        guard instance.weight.isFinite, instance.weight >= 0, instance.weight <= 10000 else {
            throw NacosException(.invalidParam, "instance format invalid: The weights range from 0.0 to 10000.0")
        }
    }

    /// Checks a batch: every instance legal and ephemeral (Java's `batchCheckInstanceIsLegal` and `checkInstanceIsEphemeral`).
    ///
    /// - Throws: 400 with the reason.
    static func batch(_ instances: [Instance]) throws(NacosException) {
        for instance in instances {
            guard instance.ephemeral else {
                throw NacosException(
                    .invalidParam,
                    "Batch registration does not allow persistent instance registration, Instance: \(instance.inetAddress)"
                )
            }
            try Self.instance(instance)
        }
    }

    /// The clusters trimmed and deduplicated; each must be at most 64 characters of `0-9a-zA-Z-_`.
    ///
    /// - Throws: 400 naming the first bad cluster.
    static func clusters(_ clusters: [String]) throws(NacosException) -> [String] {
        for cluster in clusters {
            let name = cluster.trimmingBlanks
            guard !name.isEmpty else { continue }
            let legal = name.unicodeScalars.count <= 64
                && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" }
            guard legal else {
                throw NacosException(.invalidParam, "Param 'cluster' is illegal, '\(cluster)' should be at most 64 characters of 0-9a-zA-Z-_")
            }
        }
        return InstanceFilter.normalizedClusters(clusters)
    }
}
