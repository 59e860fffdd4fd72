/// Constructors of keys for each value type, so that the table reads one line per setting.
extension NacosServerConfigurationKey {
    /// The configuration type the keys write to.
    typealias Configuration = NacosServerConfiguration

    /// A whole-number key bounded by `range`.
    static func int(
        _ name: String,
        aliases: [String] = [],
        _ section: Section,
        nacos: Bool,
        range: ClosedRange<Int>,
        _ meaning: String,
        _ path: any WritableKeyPath<Configuration, Int> & Sendable
    ) -> Self {
        Self(
            name, aliases: aliases, type: .int, section: section, nacos: nacos, meaning,
            expectation: Self.describe(range),
            path: path,
            parse: { ConfigurationValueParser.int($0, in: range) },
            render: { String($0) }
        )
    }

    /// A port key whose absence means a port derived from `server.port` (`defaultValue` says how).
    static func derivedPort(
        _ name: String,
        _ section: Section,
        _ meaning: String,
        defaultValue: String,
        _ path: any WritableKeyPath<Configuration, Int?> & Sendable
    ) -> Self {
        Self(
            name, type: .int, section: section, nacos: false, meaning,
            defaultValue: defaultValue,
            expectation: "a port in 0...65535 (0 picks a free port), or empty for \(defaultValue)",
            path: path,
            parse: { text -> Int?? in
                if text.trimmingWhitespace().isEmpty { return .some(nil) }
                return ConfigurationValueParser.int(text, in: 0...65535).map { .some($0) }
            },
            render: { $0.map { String($0) } ?? defaultValue }
        )
    }

    /// A boolean key.
    static func bool(
        _ name: String,
        aliases: [String] = [],
        _ section: Section,
        nacos: Bool,
        _ meaning: String,
        _ path: any WritableKeyPath<Configuration, Bool> & Sendable
    ) -> Self {
        Self(
            name, aliases: aliases, type: .bool, section: section, nacos: nacos, meaning,
            expectation: "true or false",
            path: path,
            parse: { ConfigurationValueParser.bool($0) },
            render: { String($0) }
        )
    }

    /// A duration key of at least `minimum`.
    static func duration(
        _ name: String,
        _ section: Section,
        nacos: Bool,
        minimum: Duration = .milliseconds(1),
        _ meaning: String,
        _ path: any WritableKeyPath<Configuration, Duration> & Sendable
    ) -> Self {
        Self(
            name, type: .duration, section: section, nacos: nacos, meaning,
            expectation: Self.describeDuration(minimum: minimum),
            path: path,
            parse: { ConfigurationValueParser.duration($0, minimum: minimum) },
            render: { ConfigurationValueParser.render($0) }
        )
    }

    /// A byte-count key bounded by `range`.
    static func bytes(
        _ name: String,
        _ section: Section,
        nacos: Bool,
        range: ClosedRange<Int>,
        _ meaning: String,
        _ path: any WritableKeyPath<Configuration, Int> & Sendable
    ) -> Self {
        Self(
            name, type: .bytes, section: section, nacos: nacos, meaning,
            expectation: "a size in bytes, optionally with a unit (B, KiB, MiB, GiB; KB and MB are binary too) in "
                + "\(ConfigurationValueParser.renderBytes(range.lowerBound))...\(ConfigurationValueParser.renderBytes(range.upperBound))",
            path: path,
            parse: { ConfigurationValueParser.bytes($0, in: range) },
            render: { ConfigurationValueParser.renderBytes($0) }
        )
    }

    /// An optional path key: an empty value unsets it; `unset` describes what an unset value means
    /// (`(none)`, or the default it falls back to).
    static func path(
        _ name: String,
        _ section: Section,
        nacos: Bool,
        unset: String = "(none)",
        expectation: String = "a file path, or empty for none",
        _ meaning: String,
        _ path: any WritableKeyPath<Configuration, String?> & Sendable
    ) -> Self {
        Self(
            name, type: .path, section: section, nacos: nacos, meaning,
            defaultValue: unset,
            expectation: expectation,
            path: path,
            parse: { text -> String?? in
                let trimmed = text.trimmingWhitespace()
                return .some(trimmed.isEmpty ? nil : trimmed)
            },
            render: { $0 ?? unset }
        )
    }

    /// A decimal-number key bounded by `range`.
    static func number(
        _ name: String,
        _ section: Section,
        nacos: Bool,
        range: ClosedRange<Double>,
        _ meaning: String,
        _ path: any WritableKeyPath<Configuration, Double> & Sendable
    ) -> Self {
        Self(
            name, type: .number, section: section, nacos: nacos, meaning,
            expectation: "a number in \(range.lowerBound)...\(range.upperBound)",
            path: path,
            parse: { ConfigurationValueParser.number($0, in: range) },
            render: { String($0) }
        )
    }

    /// A list key: comma-separated items, each checked by `isValidItem`.
    static func list(
        _ name: String,
        _ section: Section,
        nacos: Bool,
        _ meaning: String,
        itemExpectation: String,
        isValidItem: @escaping @Sendable (String) -> Bool,
        _ path: any WritableKeyPath<Configuration, [String]> & Sendable
    ) -> Self {
        Self(
            name, type: .list, section: section, nacos: nacos, meaning,
            defaultValue: "(empty)",
            expectation: "a comma-separated list of \(itemExpectation)",
            path: path,
            parse: { text in
                let items = ConfigurationValueParser.list(text)
                return items.allSatisfy(isValidItem) ? items : nil
            },
            render: { $0.isEmpty ? "(empty)" : $0.joined(separator: ",") }
        )
    }

    /// `an integer in 0...65535`, `an integer of at least 1` or `an integer of at least -1`.
    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "an integer of at least \(range.lowerBound)" : "an integer in \(range.lowerBound)...\(range.upperBound)"
    }

    /// What a duration looks like, with its lower bound.
    private static func describeDuration(minimum: Duration) -> String {
        let form = "integer milliseconds or a number with a unit ms, s, m or h (such as 500ms, 5s, 2m)"
        return minimum > .zero ? "\(form), at least \(ConfigurationValueParser.render(minimum))" : form
    }
}
