import NacosTransport

/// `--name value` and `--name=value` options, parsed by hand.
struct ExampleOptions {
    private var values: [String: String] = [:]

    /// Parses `arguments`.
    ///
    /// - Throws: `ExampleUsageError` for a stray argument, a missing value or a repeated option.
    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw ExampleUsageError("unexpected argument '\(argument)'")
            }
            var name = String(argument.dropFirst(2))
            let value: String
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else {
                guard index + 1 < arguments.count else { throw ExampleUsageError("option --\(name) needs a value") }
                index += 1
                value = arguments[index]
            }
            guard self.values[name] == nil else { throw ExampleUsageError("option --\(name) given twice") }
            self.values[name] = value
            index += 1
        }
    }

    /// Throws unless every option given is in `names`.
    func allowOnly(_ names: Set<String>) throws {
        if let unknown = self.values.keys.sorted().first(where: { !names.contains($0) }) {
            throw ExampleUsageError("unknown option --\(unknown)")
        }
    }

    /// The value of `--name`, if given.
    func string(_ name: String) -> String? { self.values[name] }

    /// The value of `--name`.
    func required(_ name: String) throws -> String {
        guard let value = self.values[name], !value.isEmpty else { throw ExampleUsageError("option --\(name) is required") }
        return value
    }

    /// The value of `--name` as an integer, if given.
    func int(_ name: String) throws -> Int? {
        guard let text = self.values[name] else { return nil }
        guard let value = Int(text) else { throw ExampleUsageError("option --\(name) needs a number, not '\(text)'") }
        return value
    }

    /// The value of `--name` as an integer.
    func requiredInt(_ name: String) throws -> Int {
        guard let value = try self.int(name) else { throw ExampleUsageError("option --\(name) is required") }
        return value
    }

    /// The value of `--name` as `host:port` (`localhost` allowed, IPv6 in brackets).
    func address(_ name: String) throws -> NacosSocketAddress {
        let text = try self.required(name)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ExampleUsageError("option --\(name) needs host:port, not '\(text)'")
        }
        var host = String(text[..<colon])
        if host == "localhost" { host = "127.0.0.1" }
        do {
            return try NacosSocketAddress(ipAddress: host, port: port)
        } catch {
            throw ExampleUsageError("option --\(name): \(error.message)")
        }
    }
}
