import NacosNamingAPI
public import NacosRemote
import NacosTransport

extension SwitchDomain {
    /// Applies one `PUT /operator/switches?entry=…&value=…` (Nacos's `SwitchManager.update`): Nacos's
    /// entry names (`check`, `distro`, `pushCacheMillis`, `healthCheckTimes`, `pushVersion` with
    /// `type:version`, …) and, as aliases, the field names (`healthCheckEnabled`, `checkTimes`, …).
    ///
    /// Nothing changes when it throws.
    ///
    /// - Throws: `NacosException` 400 for an unknown entry or a value that does not parse or is out of
    ///   range (Nacos ignores unknown entries and reads any non-`true` boolean as `false`).
    public mutating func update(entry: String, value: String) throws(NacosException) {
        var updated = self
        let value = value.trimmingBlanks
        switch entry {
        case "distroThreshold":
            let threshold = try Self.float(value, entry)
            guard threshold > 0 else { throw Self.invalid("distroThreshold can not be zero or negative: \(value)") }
            updated.distroThreshold = threshold
        case "clientBeatInterval":
            let interval = try Self.integer(value, entry)
            guard interval > 0 else { throw Self.invalid("clientBeatInterval must be positive: \(value)") }
            updated.clientBeatInterval = interval
        case "pushVersion":
            try updated.setPushVersion(value)
        case "pushJavaVersion", "pushPythonVersion", "pushCVersion", "pushGoVersion", "pushCSharpVersion":
            let type = String(entry.dropFirst("push".count).dropLast("Version".count)).lowercased()
            try updated.setPushVersion(type + ":" + value)
        case "pushCacheMillis", "defaultPushCacheMillis":
            let millis = try Self.integer(value, entry)
            guard millis >= 10_000 else { throw Self.invalid("min cache time for http or tcp is too small(<10000)") }
            updated.defaultPushCacheMillis = millis
        case "defaultCacheMillis":
            let millis = try Self.integer(value, entry)
            guard millis >= 1_000 else { throw Self.invalid("min default cache time  is too small(<1000)") }
            updated.defaultCacheMillis = millis
        case "masters":
            updated.masters = value.split(separator: ",").map { String($0).trimmingBlanks }.filter { !$0.isEmpty }
        case "distro", "distroEnabled":
            updated.distroEnabled = try Self.bool(value, entry)
        case "check", "healthCheckEnabled":
            updated.healthCheckEnabled = try Self.bool(value, entry)
        case "pushEnabled":
            updated.pushEnabled = try Self.bool(value, entry)
        case "serviceStatusSynchronizationPeriodMillis":
            let millis = try Self.integer(value, entry)
            guard millis >= 5_000 else { throw Self.invalid("serviceStatusSynchronizationPeriodMillis is too small(<5000)") }
            updated.serviceStatusSynchronizationPeriodMillis = millis
        case "serverStatusSynchronizationPeriodMillis":
            let millis = try Self.integer(value, entry)
            guard millis >= 1_000 else { throw Self.invalid("serverStatusSynchronizationPeriodMillis is too small(<1000)") }
            updated.serverStatusSynchronizationPeriodMillis = millis
        case "healthCheckTimes", "checkTimes":
            let times = try Self.integer(value, entry)
            guard times >= 1, times <= 1_000 else { throw Self.invalid("healthCheckTimes must be between 1 and 1000: \(value)") }
            updated.checkTimes = Int(times)
        case "disableAddIP":
            updated.disableAddIP = try Self.bool(value, entry)
        case "sendBeatOnly":
            updated.sendBeatOnly = try Self.bool(value, entry)
        case "limitedUrlMap":
            updated.limitedUrlMap = try Self.limitedUrls(value)
        case "enableStandalone":
            updated.enableStandalone = try Self.bool(value, entry)
        case "overriddenServerStatus":
            updated.overriddenServerStatus = value.isEmpty || value == "null" ? nil : value
        case "defaultInstanceEphemeral":
            updated.defaultInstanceEphemeral = try Self.bool(value, entry)
        case "distroServerExpiredMillis":
            let millis = try Self.integer(value, entry)
            guard millis > 0 else { throw Self.invalid("distroServerExpiredMillis must be positive: \(value)") }
            updated.distroServerExpiredMillis = millis
        case "lightBeatEnabled":
            updated.lightBeatEnabled = try Self.bool(value, entry)
        case "autoChangeHealthCheckEnabled":
            updated.autoChangeHealthCheckEnabled = try Self.bool(value, entry)
        case "httpHealthParams":
            updated.httpHealthParams = try Self.healthParams(value, base: self.httpHealthParams, validated: true)
        case "tcpHealthParams":
            updated.tcpHealthParams = try Self.healthParams(value, base: self.tcpHealthParams, validated: true)
        case "mysqlHealthParams":
            updated.mysqlHealthParams = try Self.healthParams(value, base: self.mysqlHealthParams, validated: false)
        default:
            throw Self.invalid("unknown switch entry: \(entry)")
        }
        self = updated
    }

    private mutating func setPushVersion(_ value: String) throws(NacosException) {
        guard let colon = value.firstIndex(of: ":") else {
            throw Self.invalid("illegal pushVersion, it should be 'type:version', got: \(value)")
        }
        let type = String(value[..<colon])
        let version = String(value[value.index(after: colon)...])
        guard Self.isVersion(version) else {
            throw Self.invalid("illegal version, must match: [0-9]+\\.[0-9]+\\.[0-9]+")
        }
        switch type {
        case "java": self.pushJavaVersion = version
        case "python": self.pushPythonVersion = version
        case "c": self.pushCVersion = version
        case "go": self.pushGoVersion = version
        case "csharp": self.pushCSharpVersion = version
        default: throw Self.invalid("unsupported client type: \(type)")
        }
    }

    /// Whether `text` is three dot-separated runs of digits (Nacos's `VERSION_STRING_SYNTAX`).
    private static func isVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 9 && part.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }

    private static func bool(_ value: String, _ entry: String) throws(NacosException) -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw Self.invalid("illegal value for \(entry), it should be true or false, got: \(value)")
        }
    }

    private static func integer(_ value: String, _ entry: String) throws(NacosException) -> Int64 {
        guard let number = Int64(value) else {
            throw Self.invalid("illegal value for \(entry), it should be an integer, got: \(value)")
        }
        return number
    }

    private static func float(_ value: String, _ entry: String) throws(NacosException) -> Float {
        guard let number = Float(value), number.isFinite else {
            throw Self.invalid("illegal value for \(entry), it should be a number, got: \(value)")
        }
        return number
    }

    private static func limitedUrls(_ value: String) throws(NacosException) -> [String: Int] {
        var result: [String: Int] = [:]
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { throw Self.invalid("invalid input for limited urls") }
            let url = String(parts[0]).trimmingBlanks
            guard !url.isEmpty else { throw Self.invalid("url can not be empty, url: \(url)") }
            guard let code = Int(String(parts[1]).trimmingBlanks), code > 0 else {
                throw Self.invalid("illegal normal status code: \(parts[1])")
            }
            result[url] = code
        }
        return result
    }

    private static func healthParams(_ value: String, base: HealthParams, validated: Bool) throws(NacosException) -> HealthParams {
        var params = base
        do {
            let object = try NacosJSONParser.parseObject(NacosByteBuffer(bytes: Array(value.utf8)))
            if let max = try object.integer("max", as: Int.self) { params.max = max }
            if let min = try object.integer("min", as: Int.self) { params.min = min }
            if let factor = try object.double("factor") { params.factor = Float(factor) }
        } catch {
            throw Self.invalid("json param invalid.")
        }
        guard validated else { return params }
        if params.min < 500 { throw Self.invalid("min check time for http or tcp is too small(<500)") }
        if params.max < 3_000 { throw Self.invalid("max check time for http or tcp is too small(<3000)") }
        if !(params.factor >= 0 && params.factor <= 1) { throw Self.invalid("malformed factor") }
        return params
    }

    private static func invalid(_ message: String) -> NacosException {
        NacosException(.invalidParam, message)
    }
}
