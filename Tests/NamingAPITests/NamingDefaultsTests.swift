import NacosNamingAPI
import NacosRemote
import Testing

@Suite struct NamingDefaultsTests {
    @Test func blankNamespaceGroupAndClusterTakeTheDefaults() {
        for blank in [nil, "", " ", "\t\n", "  \r"] as [String?] {
            #expect(NamingDefaults.namespace(blank) == "public")
            #expect(NamingDefaults.group(blank) == "DEFAULT_GROUP")
            #expect(NamingDefaults.cluster(blank) == "DEFAULT")
        }
        #expect(NamingDefaults.namespace("dev") == "dev")
        #expect(NamingDefaults.group("G1") == "G1")
        #expect(NamingDefaults.cluster("east") == "east")
        // Values are not trimmed.
        #expect(NamingDefaults.namespace(" dev ") == " dev ")
    }

    @Test func constants() {
        #expect(NamingDefaults.namespace == "public")
        #expect(NamingDefaults.group == "DEFAULT_GROUP")
        #expect(NamingDefaults.cluster == "DEFAULT")
        #expect(NamingDefaults.groupedNameSeparator == "@@")
        #expect(NamingDefaults.heartBeatIntervalMillis == 5000)
        #expect(NamingDefaults.heartBeatTimeoutMillis == 15000)
        #expect(NamingDefaults.ipDeleteTimeoutMillis == 30000)
        #expect(NamingDefaults.pushCacheMillis == 10000)
        #expect(NamingDefaults.heartBeatIntervalKey == "preserved.heart.beat.interval")
        #expect(NamingDefaults.heartBeatTimeoutKey == "preserved.heart.beat.timeout")
        #expect(NamingDefaults.ipDeleteTimeoutKey == "preserved.ip.delete.timeout")
        #expect(NamingDefaults.instanceIdGeneratorKey == "preserved.instance.id.generator")
    }

    @Test func groupedNameJoinAndSplit() {
        #expect(NamingDefaults.groupedName(service: "svc", group: "DEFAULT_GROUP") == "DEFAULT_GROUP@@svc")
        #expect(NamingDefaults.splitGroupedName("DEFAULT_GROUP@@svc") == ("DEFAULT_GROUP", "svc"))
        #expect(NamingDefaults.splitGroupedName("G1@@svc") == ("G1", "svc"))
        // Without `@@` the name is in the default group; a single `@` is part of the name.
        #expect(NamingDefaults.splitGroupedName("svc") == ("DEFAULT_GROUP", "svc"))
        #expect(NamingDefaults.splitGroupedName("a@b") == ("DEFAULT_GROUP", "a@b"))
        #expect(NamingDefaults.splitGroupedName("@@svc") == ("", "svc"))
        #expect(NamingDefaults.splitGroupedName("G@@") == ("G", ""))
        // Non-ASCII names split on bytes without damage.
        #expect(NamingDefaults.splitGroupedName("组@@服务") == ("组", "服务"))
        for (group, service) in [("G", "s"), ("DEFAULT_GROUP", "my.svc"), ("g:1", "x-y")] {
            #expect(NamingDefaults.splitGroupedName(NamingDefaults.groupedName(service: service, group: group)) == (group, service))
        }
    }

    @Test func clusterListSplitsTrimsAndDeduplicates() {
        #expect(NamingDefaults.clusterList(nil) == [])
        #expect(NamingDefaults.clusterList("") == [])
        #expect(NamingDefaults.clusterList("a") == ["a"])
        #expect(NamingDefaults.clusterList("a, b,,a , c,") == ["a", "b", "c"])
        #expect(NamingDefaults.clusterList(" , ") == [])
    }

    @Test func namingRequestEffectiveNames() {
        let blank = InstanceRequest(namespace: "", serviceName: "svc", groupName: " ")
        #expect(blank.effectiveNamespace == "public")
        #expect(blank.effectiveGroupName == "DEFAULT_GROUP")
        #expect(blank.groupedServiceName == "DEFAULT_GROUP@@svc")
        let set = SubscribeServiceRequest(namespace: "dev", serviceName: "svc", groupName: "G")
        #expect(set.effectiveNamespace == "dev")
        #expect(set.groupedServiceName == "G@@svc")
        #expect(ServiceListRequest().groupedServiceName == "DEFAULT_GROUP@@")
    }

    // MARK: Instance helpers

    @Test func generatedInstanceId() {
        #expect(
            Instance.generatedInstanceId(ip: "10.0.0.5", port: 8080, clusterName: "DEFAULT", groupedServiceName: "DEFAULT_GROUP@@svc")
                == "10.0.0.5#8080#DEFAULT#DEFAULT_GROUP@@svc"
        )
        // Java prints a missing cluster as `null`.
        #expect(
            Instance.generatedInstanceId(ip: "10.0.0.5", port: 8080, clusterName: nil, groupedServiceName: "G@@svc")
                == "10.0.0.5#8080#null#G@@svc"
        )
        #expect(
            Instance.generatedInstanceId(ip: "::1", port: 0, clusterName: "", groupedServiceName: "G@@svc")
                == "::1#0##G@@svc"
        )
    }

    @Test func addressAndEffectiveCluster() {
        let instance = Instance(ip: "10.0.0.5", port: 8080)
        #expect(instance.inetAddress == "10.0.0.5:8080")
        #expect(instance.effectiveClusterName == "DEFAULT")
        #expect(Instance(clusterName: " ").effectiveClusterName == "DEFAULT")
        #expect(Instance(clusterName: "east").effectiveClusterName == "east")
    }

    @Test func instanceDefaultsMatchJava() {
        let instance = Instance()
        #expect(instance.ip == "")
        #expect(instance.port == 0)
        #expect(instance.weight == 1.0)
        #expect(instance.healthy && instance.enabled && instance.ephemeral)
        #expect(instance.clusterName == nil && instance.serviceName == nil && instance.instanceId == nil)
        #expect(instance.metadata.isEmpty)
        #expect(instance.instanceIdGenerator == "simple")
    }

    static let timingMessage = "Instance 'heart beat interval' must less than 'heart beat timeout' and 'ip delete timeout'."

    @Test func legalInstances() {
        #expect(Instance(ip: "10.0.0.5", port: 8080).illegalReason == nil)
        #expect(Instance(ip: "10.0.0.5", port: 8080, clusterName: "DEFAULT").illegalReason == nil)
        #expect(Instance(clusterName: "east-1").illegalReason == nil)
        // An empty cluster name is not checked (Java's `isEmpty`).
        #expect(Instance(clusterName: "").illegalReason == nil)
        // Equal timings are legal: only "less than" fails.
        let equal = Instance(
            metadata: [
                NamingDefaults.heartBeatIntervalKey: "15000", NamingDefaults.heartBeatTimeoutKey: "15000",
                NamingDefaults.ipDeleteTimeoutKey: "15000",
            ]
        )
        #expect(equal.illegalReason == nil)
        // A timing that is not a plain number falls back to its default and stays legal.
        #expect(Instance(metadata: [NamingDefaults.heartBeatIntervalKey: "-1"]).illegalReason == nil)
    }

    @Test func badTimingsAreIllegal() {
        let timeoutBelowInterval = Instance(
            metadata: [NamingDefaults.heartBeatIntervalKey: "20000", NamingDefaults.ipDeleteTimeoutKey: "60000"]
        )
        #expect(timeoutBelowInterval.illegalReason == Self.timingMessage)
        let deleteBelowInterval = Instance(
            metadata: [NamingDefaults.heartBeatIntervalKey: "6000", NamingDefaults.ipDeleteTimeoutKey: "5000"]
        )
        #expect(deleteBelowInterval.illegalReason == Self.timingMessage)
        let timeoutBelowDefaultInterval = Instance(metadata: [NamingDefaults.heartBeatTimeoutKey: "4999"])
        #expect(timeoutBelowDefaultInterval.illegalReason == Self.timingMessage)
        // The timing check comes before the cluster check.
        let both = Instance(clusterName: "bad_name", metadata: [NamingDefaults.heartBeatTimeoutKey: "1"])
        #expect(both.illegalReason == Self.timingMessage)
    }

    @Test(arguments: ["my_cluster", "a b", "a,b", "集群", "a.b"])
    func clusterNamesOutsideTheStrictPatternAreIllegal(cluster: String) {
        // Stricter than the param check: no underscore.
        #expect(
            Instance(clusterName: cluster).illegalReason
                == "Instance 'clusterName' should be characters with only 0-9a-zA-Z-. (current: \(cluster))"
        )
    }

    // MARK: ServiceInfo helpers

    @Test func serviceInfoGroupedName() {
        #expect(ServiceInfo(name: "svc", groupName: "G").groupedName == "G@@svc")
        #expect(ServiceInfo(name: "svc").groupedName == "DEFAULT_GROUP@@svc")
        #expect(ServiceInfo(name: "svc", groupName: "").groupedName == "DEFAULT_GROUP@@svc")
        // Already grouped (HTTP v1, UDP): returned as it is.
        #expect(ServiceInfo(name: "G@@svc", groupName: "G").groupedName == "G@@svc")
        #expect(ServiceInfo(name: "a@b", groupName: "G").groupedName == "G@@a@b")
    }

    @Test func serviceInfoUsableHosts() {
        let healthy = Instance(ip: "1.1.1.1", port: 1)
        let unhealthy = Instance(ip: "1.1.1.2", port: 1, healthy: false)
        let zeroWeight = Instance(ip: "1.1.1.3", port: 1, weight: 0)
        #expect(ServiceInfo(hosts: [healthy]).hasUsableHosts)
        #expect(ServiceInfo(hosts: [unhealthy, healthy]).hasUsableHosts)
        #expect(ServiceInfo(hosts: [unhealthy, zeroWeight]).hasUsableHosts == false)
        #expect(ServiceInfo(hosts: []).hasUsableHosts == false)
        #expect(ServiceInfo(hosts: nil).hasUsableHosts == false)
        #expect(ServiceInfo(hosts: [], allIPs: true).hasUsableHosts)
        #expect(ServiceInfo(hosts: nil).valid == false)
        #expect(ServiceInfo(hosts: nil).instances == [])
        #expect(ServiceInfo().valid)
        #expect(ServiceInfo().cacheMillis == 1000)
    }
}
