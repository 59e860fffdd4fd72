public import NacosRemote

extension SwitchDomain {
    /// The switches as Nacos's Jackson writes them for `GET /operator/switches`: Java's getter names in
    /// field order, `null` fields left out.
    public var jsonBytes: [UInt8] {
        var writer = NacosJSONWriter(capacity: 1_536)
        self.writeJSON(to: &writer)
        return writer.bytes
    }

    /// Writes the switches as one JSON object.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { json in
            if let masters = self.masters {
                json.key("masters")
                json.array { list in for master in masters { list.string(master) } }
            }
            json.key("adWeightMap")
            Self.writeIntegerMap(self.adWeightMap, to: &json)
            json.field("defaultPushCacheMillis", self.defaultPushCacheMillis)
            json.field("clientBeatInterval", self.clientBeatInterval)
            json.field("defaultCacheMillis", self.defaultCacheMillis)
            json.field("distroThreshold", Self.javaFloat(self.distroThreshold))
            json.field("healthCheckEnabled", self.healthCheckEnabled)
            json.field("autoChangeHealthCheckEnabled", self.autoChangeHealthCheckEnabled)
            json.field("distroEnabled", self.distroEnabled)
            json.field("enableStandalone", self.enableStandalone)
            json.field("pushEnabled", self.pushEnabled)
            json.field("checkTimes", self.checkTimes)
            json.key("httpHealthParams")
            Self.write(self.httpHealthParams, to: &json)
            json.key("tcpHealthParams")
            Self.write(self.tcpHealthParams, to: &json)
            json.key("mysqlHealthParams")
            Self.write(self.mysqlHealthParams, to: &json)
            json.key("incrementalList")
            json.array { list in for item in self.incrementalList { list.string(item) } }
            json.field("serverStatusSynchronizationPeriodMillis", self.serverStatusSynchronizationPeriodMillis)
            json.field("serviceStatusSynchronizationPeriodMillis", self.serviceStatusSynchronizationPeriodMillis)
            json.field("disableAddIP", self.disableAddIP)
            json.field("sendBeatOnly", self.sendBeatOnly)
            json.field("lightBeatEnabled", self.lightBeatEnabled)
            json.key("limitedUrlMap")
            Self.writeIntegerMap(self.limitedUrlMap, to: &json)
            json.field("distroServerExpiredMillis", self.distroServerExpiredMillis)
            json.field("pushGoVersion", self.pushGoVersion)
            json.field("pushJavaVersion", self.pushJavaVersion)
            json.field("pushPythonVersion", self.pushPythonVersion)
            json.field("pushCVersion", self.pushCVersion)
            json.field("pushCSharpVersion", self.pushCSharpVersion)
            json.field("enableAuthentication", self.enableAuthentication)
            json.field("overriddenServerStatus", self.overriddenServerStatus)
            json.field("defaultInstanceEphemeral", self.defaultInstanceEphemeral)
            json.key("healthCheckWhiteList")
            json.array { list in for item in self.healthCheckWhiteList { list.string(item) } }
            json.field("name", Self.name)
        }
    }

    private static func write(_ params: HealthParams, to writer: inout NacosJSONWriter) {
        writer.object { json in
            json.field("max", params.max)
            json.field("min", params.min)
            json.field("factor", Self.javaFloat(params.factor))
        }
    }

    private static func writeIntegerMap(_ map: [String: Int], to writer: inout NacosJSONWriter) {
        writer.object { json in
            for key in map.keys.sorted() {
                json.field(key, map[key] ?? 0)
            }
        }
    }

    /// A `Float` as Jackson prints it: its shortest decimal (`0.7`, not `0.699999988079071`).
    private static func javaFloat(_ value: Float) -> Double {
        Double(String(value)) ?? Double(value)
    }
}
