import NacosTransport

extension NacosByteBuffer {
    /// One shared empty buffer: assigning it releases a buffer without allocating (the first write to a
    /// copy allocates its own storage, copy-on-write).
    internal static let emptyHTTPBuffer = NacosByteBuffer()

    /// Appends the bytes of a static ASCII string without creating a `String`.
    internal mutating func writeStaticString(_ string: StaticString) {
        self.writeBytes(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    /// Appends `name: value` and CRLF; a name that is not a token is skipped, and control characters in
    /// the value (CR and LF above all) become spaces, so a caller cannot split the message.
    internal mutating func writeHeaderField(name: String, value: String) {
        guard !name.isEmpty, name.utf8.allSatisfy(HTTPTokenCharacters.contains) else { return }
        self.writeString(name)
        self.writeStaticString(": ")
        self.writeSanitizedText(value)
        self.writeStaticString("\r\n")
    }

    /// Appends `text` with control characters other than HTAB replaced by spaces.
    internal mutating func writeSanitizedText(_ text: String) {
        func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != HTTPASCII.tab) || byte == 0x7F }
        if !text.utf8.contains(where: isControl) {
            self.writeString(text)
            return
        }
        self.writeBytes(text.utf8.map { isControl($0) ? HTTPASCII.space : $0 })
    }
}
