import NacosNaming
import NacosNamingAPI
import NacosRemote

/// JSON shapes of the Open API answers that are not naming messages (instance and service details,
/// subscribers, metrics), with Nacos's field names.
enum OpenAPIJSON {
    /// Writes a string map as an object with sorted keys (stable output).
    static func map(_ map: [String: String], to writer: inout NacosJSONWriter) {
        writer.object { writer in
            for key in map.keys.sorted() {
                writer.key(key)
                writer.string(map[key]!)
            }
        }
    }

    /// v1 `GET /instance`: `{service, ip, port, clusterName, weight, healthy, instanceId, metadata}`; v2 names
    /// the first field `serviceName`.
    static func instanceDetail(_ instance: Instance, service: Service, serviceKey: String, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key(serviceKey)
            writer.string(service.groupedServiceName)
            writer.key("ip")
            writer.string(instance.ip)
            writer.key("port")
            writer.integer(instance.port)
            writer.key("clusterName")
            writer.string(instance.effectiveClusterName)
            writer.key("weight")
            writer.double(instance.weight)
            writer.key("healthy")
            writer.bool(instance.healthy)
            writer.key("enabled")
            writer.bool(instance.enabled)
            writer.key("ephemeral")
            writer.bool(instance.ephemeral)
            writer.key("instanceId")
            writer.string(instance.instanceId ?? "")
            writer.key("metadata")
            Self.map(instance.metadata, to: &writer)
        }
    }

    /// v1 `GET /service`: `{namespaceId, groupName, name, protectThreshold, metadata, selector, clusters}`.
    static func serviceDetail(_ detail: ServiceDetail, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("namespaceId")
            writer.string(detail.namespace)
            writer.key("groupName")
            writer.string(detail.group)
            writer.key("name")
            writer.string(detail.name)
            writer.key("protectThreshold")
            writer.double(detail.protectThreshold)
            writer.key("metadata")
            Self.map(detail.metadata, to: &writer)
            writer.key("selector")
            writer.object { writer in
                writer.key("type")
                writer.string(detail.selector.type)
                if let expression = detail.selector.expression {
                    writer.key("expression")
                    writer.string(expression)
                }
            }
            writer.key("clusters")
            writer.array { writer in
                for cluster in detail.clusters {
                    writer.object { writer in
                        writer.key("name")
                        writer.string(cluster.name)
                        writer.key("healthChecker")
                        writer.object { writer in
                            writer.key("type")
                            writer.string(cluster.metadata.healthCheckType.rawValue)
                        }
                        writer.key("metadata")
                        Self.map(cluster.metadata.extendData, to: &writer)
                    }
                }
            }
        }
    }

    /// One subscriber of `/service/subscribers`.
    static func subscriber(_ subscriber: Subscriber, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("addrStr")
            writer.string(subscriber.address)
            writer.key("agent")
            writer.string(subscriber.agent)
            writer.key("app")
            writer.string(subscriber.app)
            writer.key("ip")
            writer.string(subscriber.ip)
            writer.key("port")
            writer.integer(subscriber.port)
            writer.key("namespaceId")
            writer.string(subscriber.namespace)
            writer.key("serviceName")
            writer.string(subscriber.groupedServiceName)
            writer.key("cluster")
            writer.string(subscriber.clusters)
        }
    }

    /// The beat answer `{"clientBeatInterval":…,"code":…,"lightBeatEnabled":…}` (v1 and v2 alike).
    static func beat(_ result: BeatResult, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("clientBeatInterval")
            writer.integer(result.clientBeatInterval)
            writer.key("code")
            writer.integer(result.code)
            writer.key("lightBeatEnabled")
            writer.bool(result.lightBeatEnabled)
        }
    }

    /// `/operator/metrics` in full: the registry's counts plus the host's load.
    static func metrics(_ metrics: NamingMetrics, load: NacosHostLoad, to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.key("status")
            writer.string("UP")
            let counts: [(String, Int)] = [
                ("serviceCount", metrics.serviceCount),
                ("instanceCount", metrics.instanceCount),
                ("subscribeCount", metrics.subscribeCount),
                ("clientCount", metrics.clientCount),
                ("connectionBasedClientCount", metrics.connectionBasedClientCount),
                ("ephemeralIpPortClientCount", metrics.ephemeralIpPortClientCount),
                ("persistentIpPortClientCount", metrics.persistentIpPortClientCount),
                ("responsibleClientCount", metrics.responsibleClientCount),
                ("responsibleInstanceCount", metrics.responsibleInstanceCount),
            ]
            for (key, value) in counts {
                writer.key(key)
                writer.integer(value)
            }
            writer.key("cpu")
            writer.double(load.cpu)
            writer.key("load")
            writer.double(load.load)
            writer.key("mem")
            writer.double(load.memory)
        }
    }
}
