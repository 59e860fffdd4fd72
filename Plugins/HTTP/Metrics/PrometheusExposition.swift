/// Builds a metrics page in the Prometheus text exposition format 0.0.4: families of counters, gauges and
/// histograms, each written with one `# HELP` and one `# TYPE` line followed by its samples, in the order
/// the families were first added.
///
/// Names are validated, label values and help texts escaped, and labels written sorted by name (a
/// histogram's `le` last). Adding a sample to a family that exists appends to it (its first help text is
/// kept); a sample of another type, or one repeating a label set, is refused.
public struct PrometheusExposition: Sendable {
    /// The `Content-Type` of a page in this format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The type written on a family's `# TYPE` line.
    public enum MetricType: String, Sendable, Equatable {
        /// A value that only goes up (or resets to zero on restart).
        case counter
        /// A value that goes up and down.
        case gauge
        /// Cumulative buckets with a sum and a count.
        case histogram
    }

    /// One family and its samples, already written out.
    private struct Family: Sendable {
        let name: String
        let help: String
        let type: MetricType
        var samples = ""
        var labelSets: Set<String> = []
    }

    private var families: [Family] = []
    private var familyIndexByName: [String: Int] = [:]

    /// Creates an empty page.
    public init() {}

    /// Whether no family was added.
    public var isEmpty: Bool { self.families.isEmpty }

    // MARK: - Adding samples

    /// Adds a counter sample `name{labels} value`.
    public mutating func addCounter(
        _ name: String,
        help: String,
        labels: [String: String] = [:],
        value: Double
    ) throws(PrometheusExpositionError) {
        try self.addSample(name, help: help, type: .counter, labels: labels, value: Self.format(value))
    }

    /// Adds a counter sample with an integer value, written exactly.
    public mutating func addCounter(
        _ name: String,
        help: String,
        labels: [String: String] = [:],
        value: some BinaryInteger
    ) throws(PrometheusExpositionError) {
        try self.addSample(name, help: help, type: .counter, labels: labels, value: String(value))
    }

    /// Adds a gauge sample `name{labels} value`.
    public mutating func addGauge(
        _ name: String,
        help: String,
        labels: [String: String] = [:],
        value: Double
    ) throws(PrometheusExpositionError) {
        try self.addSample(name, help: help, type: .gauge, labels: labels, value: Self.format(value))
    }

    /// Adds a gauge sample with an integer value, written exactly.
    public mutating func addGauge(
        _ name: String,
        help: String,
        labels: [String: String] = [:],
        value: some BinaryInteger
    ) throws(PrometheusExpositionError) {
        try self.addSample(name, help: help, type: .gauge, labels: labels, value: String(value))
    }

    /// Adds a histogram: `name_bucket{labels,le="…"}` per bucket (cumulative counts), `name_sum` and
    /// `name_count`.
    ///
    /// - Parameters:
    ///   - buckets: the upper bounds, ascending, with the cumulative count at or under each; a `+Inf`
    ///     bucket holding `count` is added when the last bound is finite.
    /// - Throws: `PrometheusExpositionError.invalidHistogram` when bounds do not ascend, counts decrease,
    ///   or the `+Inf` bucket is not `count`.
    public mutating func addHistogram(
        _ name: String,
        help: String,
        labels: [String: String] = [:],
        buckets: [(upperBound: Double, cumulativeCount: UInt64)],
        sum: Double,
        count: UInt64
    ) throws(PrometheusExpositionError) {
        try Self.validate(metricName: name)
        let labelText = try Self.labelText(labels, metric: name, reserved: ["le"])
        var previousBound = -Double.infinity
        var previousCount: UInt64 = 0
        for bucket in buckets {
            guard !bucket.upperBound.isNaN, bucket.upperBound > previousBound else {
                throw .invalidHistogram(metric: name, reason: "bucket bounds must be ascending numbers")
            }
            guard bucket.cumulativeCount >= previousCount else {
                throw .invalidHistogram(metric: name, reason: "cumulative bucket counts must not decrease")
            }
            previousBound = bucket.upperBound
            previousCount = bucket.cumulativeCount
        }
        if previousBound == .infinity {
            guard previousCount == count else {
                throw .invalidHistogram(metric: name, reason: "the +Inf bucket must hold count (\(count)), not \(previousCount)")
            }
        } else if count < previousCount {
            throw .invalidHistogram(metric: name, reason: "count (\(count)) is below the last bucket's \(previousCount)")
        }
        let index = try self.family(name, help: help, type: .histogram)
        guard self.families[index].labelSets.insert(labelText).inserted else {
            throw .duplicateSample(metric: name, labels: labels)
        }
        var lines = ""
        let separator = labelText.isEmpty ? "" : ","
        for bucket in buckets {
            lines += "\(name)_bucket{\(labelText)\(separator)le=\"\(Self.format(bucket.upperBound))\"} \(bucket.cumulativeCount)\n"
        }
        if previousBound != .infinity {
            lines += "\(name)_bucket{\(labelText)\(separator)le=\"+Inf\"} \(count)\n"
        }
        let braced = labelText.isEmpty ? "" : "{\(labelText)}"
        lines += "\(name)_sum\(braced) \(Self.format(sum))\n"
        lines += "\(name)_count\(braced) \(count)\n"
        self.families[index].samples += lines
    }

    // MARK: - Output

    /// The page: every family's `# HELP`, `# TYPE` and samples, in the order the families were added.
    public var text: String {
        var text = ""
        for family in self.families {
            text += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type.rawValue)\n"
            text += family.samples
        }
        return text
    }

    /// The page as UTF-8 bytes, for a response body.
    public var bytes: [UInt8] { Array(self.text.utf8) }

    // MARK: - Writing

    private mutating func addSample(
        _ name: String,
        help: String,
        type: MetricType,
        labels: [String: String],
        value: String
    ) throws(PrometheusExpositionError) {
        try Self.validate(metricName: name)
        let labelText = try Self.labelText(labels, metric: name, reserved: [])
        let index = try self.family(name, help: help, type: type)
        guard self.families[index].labelSets.insert(labelText).inserted else {
            throw .duplicateSample(metric: name, labels: labels)
        }
        let braced = labelText.isEmpty ? "" : "{\(labelText)}"
        self.families[index].samples += "\(name)\(braced) \(value)\n"
    }

    /// The index of family `name`, added now when new; refuses a family of another type.
    private mutating func family(_ name: String, help: String, type: MetricType) throws(PrometheusExpositionError) -> Int {
        if let index = self.familyIndexByName[name] {
            let existing = self.families[index].type
            guard existing == type else { throw .typeMismatch(metric: name, existing: existing, added: type) }
            return index
        }
        self.families.append(Family(name: name, help: help, type: type))
        self.familyIndexByName[name] = self.families.count - 1
        return self.families.count - 1
    }

    /// `a="1",b="2"`: the labels sorted by name, values escaped; names validated.
    private static func labelText(_ labels: [String: String], metric: String, reserved: Set<String>) throws(PrometheusExpositionError) -> String {
        var text = ""
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            guard Self.isValidLabelName(name), !reserved.contains(name) else {
                throw .invalidLabelName(metric: metric, label: name)
            }
            if !text.isEmpty { text += "," }
            text += "\(name)=\"\(Self.escapeLabelValue(value))\""
        }
        return text
    }

    private static func validate(metricName name: String) throws(PrometheusExpositionError) {
        var bytes = name.utf8.makeIterator()
        guard let first = bytes.next(), Self.isNameStart(first) || first == UInt8(ascii: ":") else {
            throw .invalidMetricName(name)
        }
        while let byte = bytes.next() {
            guard Self.isNameStart(byte) || Self.isDigit(byte) || byte == UInt8(ascii: ":") else {
                throw .invalidMetricName(name)
            }
        }
    }

    private static func isValidLabelName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, Self.isNameStart(first) else { return false }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "_"), bytes[1] == UInt8(ascii: "_") { return false }
        return bytes.allSatisfy { Self.isNameStart($0) || Self.isDigit($0) }
    }

    /// `[a-zA-Z_]`.
    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// A label value with `\`, `"` and line feed escaped.
    private static func escapeLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A help text with `\` and line feed escaped (quotes stay as they are).
    private static func escapeHelp(_ help: String) -> String {
        guard help.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else { return help }
        var escaped = ""
        for character in help.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A sample value or bound: integers without a fraction (`5`), others in the shortest form that
    /// reads back exactly (`0.25`, `1e-05`), and `+Inf`, `-Inf`, `NaN`.
    internal static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return value.description
    }
}
