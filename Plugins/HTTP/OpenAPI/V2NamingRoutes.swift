import NacosNaming
import NacosNamingAPI
import NacosRemote

/// The v2 naming Open API (`/nacos/v2/ns/*`, reference §4.6): the same operations as v1 inside the
/// `{code, message, data}` envelope; the beat alone answers its bare v1 JSON, as Nacos does.
struct V2NamingRoutes: Sendable {
    /// The path prefix.
    static let prefix = "/nacos/v2/ns"

    let actions: OpenAPINamingActions
    /// Forwards instance writes to the responsible member (Nacos's `@CanDistro` endpoints).
    let distro: DistroForwarder

    /// Adds every v2 naming route to `router`.
    func install(into router: inout HTTPRouter) {
        let actions = self.actions
        let distro = self.distro
        let prefix = Self.prefix

        router.add(.post, "\(prefix)/instance", distro.filter(.v2, OpenAPIResponses.v2 { request in
            _ = try await actions.register(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        }))
        router.add(.delete, "\(prefix)/instance", distro.filter(.v2, OpenAPIResponses.v2 { request in
            try await actions.deregister(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        }))
        router.add(.put, "\(prefix)/instance", distro.filter(.v2, OpenAPIResponses.v2 { request in
            try await actions.update(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        }))
        router.add(.patch, "\(prefix)/instance", distro.filter(.v2, OpenAPIResponses.v2 { request in
            try await actions.patch(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        }))
        router.add(.get, "\(prefix)/instance", OpenAPIResponses.v2 { request in
            let (service, instance) = try actions.detail(OpenAPIParameters(request))
            return { OpenAPIJSON.instanceDetail(instance, service: service, serviceKey: "serviceName", to: &$0) }
        })
        router.add(.get, "\(prefix)/instance/list", OpenAPIResponses.v2 { request in
            // v2 names the subscriber's address `ip` and `port` where v1 says `clientIP` and `udpPort`.
            let parameters = OpenAPIParameters(request)
            var raw = parameters.raw
            if let ip = parameters.optional("ip") { raw.append(name: "clientIP", value: ip) }
            if parameters.optional("port") != nil {
                let port = try parameters.int("port", default: 0, range: NamingParamCheck.portRange)
                raw.append(name: "udpPort", value: String(port))
            }
            let info = try actions.list(OpenAPIParameters(raw), request: request, clustersParameter: "clusterName")
            return { info.writeJSON(to: &$0) }
        })
        router.add(.put, "\(prefix)/instance/beat", distro.filter(.v1, OpenAPIResponses.v1 { request in
            let result = try actions.beat(OpenAPIParameters(request))
            return OpenAPIResponses.json { OpenAPIJSON.beat(result, to: &$0) }
        }))
        router.add(.put, "\(prefix)/health/instance", OpenAPIResponses.v2 { request in
            try await actions.setHealth(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        })

        router.add(.post, "\(prefix)/service", OpenAPIResponses.v2 { request in
            try await actions.createService(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        })
        router.add(.put, "\(prefix)/service", OpenAPIResponses.v2 { request in
            try await actions.updateService(OpenAPIParameters(request), requireThreshold: false)
            return OpenAPIResponses.string("ok")
        })
        router.add(.delete, "\(prefix)/service", OpenAPIResponses.v2 { request in
            try await actions.deleteService(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        })
        router.add(.get, "\(prefix)/service", OpenAPIResponses.v2 { request in
            let detail = try actions.serviceDetail(OpenAPIParameters(request))
            return { OpenAPIJSON.serviceDetail(detail, to: &$0) }
        })
        router.add(.get, "\(prefix)/service/list", OpenAPIResponses.v2 { request in
            let page = try actions.listServices(OpenAPIParameters(request), defaultPageSize: 20)
            return { writer in
                writer.object { writer in
                    writer.key("count")
                    writer.integer(page.count)
                    writer.key("services")
                    writer.array { writer in
                        for name in page.names { writer.string(name) }
                    }
                }
            }
        })

        router.add(.get, "\(prefix)/operator/metrics", OpenAPIResponses.v2 { _ in
            let metrics = actions.registry.metrics
            let load = NacosHostLoad.current()
            return { OpenAPIJSON.metrics(metrics, load: load, to: &$0) }
        })
        router.add(.get, "\(prefix)/operator/switches", OpenAPIResponses.v2 { _ in
            let switches = actions.registry.switches.current
            return { switches.writeJSON(to: &$0) }
        })
        router.add(.put, "\(prefix)/operator/switches", OpenAPIResponses.v2 { request in
            try await actions.updateSwitch(OpenAPIParameters(request))
            return OpenAPIResponses.string("ok")
        })
    }
}
