/// Parses and renders the text forms of configuration values: integers, booleans, durations, byte counts,
/// decimal numbers, enumerations and lists.
internal enum ConfigurationValueParser {
    /// A whole number in `range`, or `nil`.
    static func int(_ text: String, in range: ClosedRange<Int>) -> Int? {
        let trimmed = text.trimmingWhitespace()
        guard let value = Int(trimmed), range.contains(value) else { return nil }
        return value
    }

    /// `true`/`yes`/`on`/`1` or `false`/`no`/`off`/`0`, in any case, or `nil`.
    static func bool(_ text: String) -> Bool? {
        switch text.trimmingWhitespace().lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }

    /// Integer milliseconds, or an integer followed by `ms`, `s`, `m` or `h` (any case, optional space
    /// between), at least `minimum`; otherwise `nil`.
    static func duration(_ text: String, minimum: Duration) -> Duration? {
        guard let (number, unit) = Self.splitNumberAndUnit(text) else { return nil }
        let millisecondsPerUnit: Int64
        switch unit {
        case "", "ms": millisecondsPerUnit = 1
        case "s": millisecondsPerUnit = 1000
        case "m", "min": millisecondsPerUnit = 60_000
        case "h": millisecondsPerUnit = 3_600_000
        default: return nil
        }
        let (milliseconds, overflow) = number.multipliedReportingOverflow(by: millisecondsPerUnit)
        // Durations beyond a year are certainly a mistake, and keep clock arithmetic far from overflow.
        guard !overflow, milliseconds <= 366 * 24 * 3_600_000 else { return nil }
        let duration = Duration.milliseconds(milliseconds)
        return duration >= minimum ? duration : nil
    }

    /// A byte count with an optional binary unit (`B`, `K`/`KB`/`KiB`, `M`/`MB`/`MiB`, `G`/`GB`/`GiB`,
    /// any case) in `range`, or `nil`.
    static func bytes(_ text: String, in range: ClosedRange<Int>) -> Int? {
        guard let (number, unit) = Self.splitNumberAndUnit(text) else { return nil }
        let multiplier: Int64
        switch unit {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1024
        case "m", "mb", "mib": multiplier = 1024 * 1024
        case "g", "gb", "gib": multiplier = 1024 * 1024 * 1024
        default: return nil
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow, let value = Int(exactly: bytes), range.contains(value) else { return nil }
        return value
    }

    /// A finite decimal number (`0.1`, `1`, `2.5e-1`) in `range`, or `nil`.
    static func number(_ text: String, in range: ClosedRange<Double>) -> Double? {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let value = Double(trimmed), value.isFinite,
            range.contains(value)
        else { return nil }
        return value
    }

    /// The word of `words` that `text` names, ignoring case, or `nil`.
    static func enumeration(_ text: String, of words: [String]) -> String? {
        let lowered = text.trimmingWhitespace().lowercased()
        return words.first { $0.lowercased() == lowered }
    }

    /// The comma-separated items of `text`, trimmed, without empty ones.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingWhitespace() }
            .filter { !$0.isEmpty }
    }

    /// `500ms`, `5s`, `3m` or `1h`: the largest unit that renders the duration exactly.
    static func render(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds != 0, milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds != 0, milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds != 0, milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    /// `10MiB`, `16KiB` or the plain number: the largest binary unit that renders the count exactly.
    static func renderBytes(_ bytes: Int) -> String {
        if bytes != 0, bytes % (1024 * 1024 * 1024) == 0 { return "\(bytes / (1024 * 1024 * 1024))GiB" }
        if bytes != 0, bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024))MiB" }
        if bytes != 0, bytes % 1024 == 0 { return "\(bytes / 1024)KiB" }
        return "\(bytes)"
    }

    /// The leading non-negative integer of `text` and the rest, trimmed and lower-cased; `nil` without digits.
    private static func splitNumberAndUnit(_ text: String) -> (Int64, String)? {
        let trimmed = text.trimmingWhitespace()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int64(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).drop { $0 == " " || $0 == "\t" }
        return (number, String(unit).lowercased())
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, line breaks and form feeds.
    internal func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard let first = self.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = self.lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
