/// A configuration file in Java's `.properties` syntax, as `java.util.Properties.load` reads it: `#` and `!`
/// comment lines, `key=value`, `key: value` or `key value`, backslash line continuation, `\uXXXX` and the
/// `\t \n \r \f` escapes; keys and values are trimmed.
public struct NacosPropertiesFile: Sendable {
    /// One `key=value` pair and the line it starts on.
    public struct Entry: Sendable, Equatable {
        /// The key, unescaped.
        public var key: String
        /// The value, unescaped and trimmed.
        public var value: String
        /// The 1-based line the entry starts on.
        public var line: Int

        /// Creates an entry.
        public init(key: String, value: String, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// The path the file was read from (used in messages only).
    public let path: String
    /// The entries in file order; a key may repeat, and then the last one counts.
    public let entries: [Entry]

    /// Parses `contents`.
    ///
    /// - Throws: `NacosServerConfigurationError` of kind `.malformedFile` for a malformed `\uXXXX` escape,
    ///   naming the file and line.
    public init(path: String, contents: String) throws(NacosServerConfigurationError) {
        self.path = path
        var entries: [Entry] = []
        let scalars = Array(contents.unicodeScalars)
        var index = 0
        var lineNumber = 1
        while index < scalars.count {
            let startLine = lineNumber
            // One logical line: natural lines joined where a line ends in an odd number of backslashes.
            var logical: [Unicode.Scalar] = []
            var isFirstNaturalLine = true
            var isComment = false
            while index < scalars.count {
                var natural: [Unicode.Scalar] = []
                while index < scalars.count, scalars[index] != "\n", scalars[index] != "\r" {
                    natural.append(scalars[index])
                    index += 1
                }
                if index < scalars.count {
                    if scalars[index] == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                    index += 1
                    lineNumber += 1
                }
                let content = natural.drop { Self.isBlank($0) }
                if isFirstNaturalLine {
                    isComment = content.first == "#" || content.first == "!"
                    isFirstNaturalLine = false
                }
                logical.append(contentsOf: content)
                // Only this natural line's backslashes count (as in Java's `LineReader`): what earlier lines
                // left ends in an even number, so it cannot change the parity, and rescanning it for every
                // line would make a long chain of backslash-only lines quadratic.
                var trailingBackslashes = 0
                while trailingBackslashes < content.count, logical[logical.count - 1 - trailingBackslashes] == "\\" {
                    trailingBackslashes += 1
                }
                guard !isComment, trailingBackslashes % 2 == 1 else { break }
                logical.removeLast()
            }
            if isComment || logical.isEmpty { continue }
            entries.append(try Self.entry(logical, line: startLine, path: path))
        }
        self.entries = entries
    }

    /// Splits a logical line into its unescaped key and value.
    private static func entry(_ line: [Unicode.Scalar], line number: Int, path: String) throws(NacosServerConfigurationError) -> Entry {
        var keyEnd = 0
        var escaped = false
        while keyEnd < line.count {
            let scalar = line[keyEnd]
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "=" || scalar == ":" || Self.isBlank(scalar) {
                break
            }
            keyEnd += 1
        }
        var valueStart = keyEnd
        while valueStart < line.count, Self.isBlank(line[valueStart]) { valueStart += 1 }
        if valueStart < line.count, line[valueStart] == "=" || line[valueStart] == ":" {
            valueStart += 1
            while valueStart < line.count, Self.isBlank(line[valueStart]) { valueStart += 1 }
        }
        let key = try Self.unescape(line[0..<keyEnd], line: number, path: path)
        let value = try Self.unescape(line[valueStart...], line: number, path: path)
        return Entry(key: key.trimmingWhitespace(), value: value.trimmingWhitespace(), line: number)
    }

    /// Resolves `\uXXXX`, `\t`, `\n`, `\r`, `\f` and `\x` (for any other `x`).
    private static func unescape(_ text: ArraySlice<Unicode.Scalar>, line: Int, path: String) throws(NacosServerConfigurationError) -> String {
        var result = String.UnicodeScalarView()
        var index = text.startIndex
        while index < text.endIndex {
            let scalar = text[index]
            index += 1
            guard scalar == "\\", index < text.endIndex else {
                if scalar != "\\" { result.append(scalar) }
                continue
            }
            let escape = text[index]
            index += 1
            switch escape {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "f": result.append("\u{0C}")
            case "u":
                let digits = text[index..<min(index + 4, text.endIndex)]
                guard digits.count == 4, let code = Self.hexadecimal(digits) else {
                    throw NacosServerConfigurationError(
                        kind: .malformedFile, key: nil, source: .file(path: path, line: line),
                        message: "malformed \\uXXXX escape in \(path):\(line): expected four hexadecimal digits after \\u"
                    )
                }
                index += 4
                // Java strings are UTF-16: a high surrogate followed by an escaped low one is one character;
                // a lone surrogate cannot stand alone in Swift and becomes U+FFFD.
                if (0xD800...0xDBFF).contains(code), let low = Self.escapedLowSurrogate(text, at: index) {
                    index += 6
                    result.append(Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}")
                } else {
                    result.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                }
            default: result.append(escape)
            }
        }
        return String(result)
    }

    /// The low surrogate written as `\uDC00`…`\uDFFF` at `index`, if there is one.
    private static func escapedLowSurrogate(_ text: ArraySlice<Unicode.Scalar>, at index: Int) -> UInt32? {
        guard index + 6 <= text.endIndex, text[index] == "\\", text[index + 1] == "u",
            let code = Self.hexadecimal(text[(index + 2)..<(index + 6)]),
            (0xDC00...0xDFFF).contains(code)
        else { return nil }
        return code
    }

    /// The value of `digits` when every one is a hexadecimal digit (no sign, unlike `UInt32(_:radix:)`).
    private static func hexadecimal(_ digits: ArraySlice<Unicode.Scalar>) -> UInt32? {
        guard digits.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return nil }
        return UInt32(String(String.UnicodeScalarView(digits)), radix: 16)
    }

    /// Whether `scalar` is a space, tab or form feed (Java's whitespace in properties files).
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{0C}"
    }
}
