import COpenSSL
import NacosTransport

/// One context's ALPN protocol names (RFC 7301) in wire format, and the server's choice among a client's offer.
///
/// The wire format is what `SSL_CTX_set_alpn_protos` takes and the ClientHello carries: every name preceded
/// by its length in one byte (`\x02h2\x08http/1.1`).
///
/// A server context hands this object to OpenSSL as the argument of its ALPN select callback, unretained.
/// That is safe because the owning `TLSContext` keeps it in a stored property and frees its `SSL_CTX` in
/// `deinit`, before its stored properties are released; every `SSL` made from the context keeps the
/// `TLSContext` alive (through its `TLSEngine`), so the callback never runs after this object is gone. The
/// selection the callback returns points into this object's own buffer, which lives just as long; OpenSSL
/// copies it before the handshake continues anyway.
///
/// `@unchecked Sendable`: immutable after `init` (the buffer is written once, there, and freed in `deinit`);
/// the callback only reads it, on whichever loop runs a handshake.
internal final class TLSApplicationProtocols: @unchecked Sendable {
    /// The longest protocol name ALPN can carry (its length is one byte).
    static let maximumNameLength = 255
    /// The longest wire-format list ALPN can carry (its length is two bytes).
    static let maximumWireLength = 65_535

    /// The names, most preferred first.
    let names: [String]
    /// The names in wire format, allocated by `init` and freed by `deinit`.
    let wireFormat: UnsafeMutableBufferPointer<UInt8>
    /// The offset and length of each name inside `wireFormat`, in preference order.
    private let entries: [Range<Int>]
    /// Tests only: a server that selects its first name whatever the client offered (a misbehaving peer).
    private let ignoresClientOffer: Bool

    /// Validates and encodes `names`.
    ///
    /// - Parameters:
    ///   - names: the protocol names, most preferred first; must not be empty.
    ///   - ignoresClientOffer: tests only; see the property of the same name.
    /// - Throws: `NacosTransportError(.invalidConfiguration)` naming the entry that is empty or longer than 255
    ///   bytes, or the total when the wire-format list exceeds 65,535 bytes.
    init(names: [String], ignoresClientOffer: Bool = false) throws(NacosTransportError) {
        let encoded = try Self.encode(names)
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: encoded.bytes.count)
        _ = storage.initialize(from: encoded.bytes)
        self.names = names
        self.wireFormat = storage
        self.entries = encoded.entries
        self.ignoresClientOffer = ignoresClientOffer
    }

    deinit {
        self.wireFormat.deallocate()
    }

    // MARK: - Encoding

    /// The wire format of `names`, with the range of each name in it.
    static func encode(
        _ names: [String]
    ) throws(NacosTransportError) -> (bytes: [UInt8], entries: [Range<Int>]) {
        var bytes: [UInt8] = []
        var entries: [Range<Int>] = []
        for (index, name) in names.enumerated() {
            let utf8 = Array(name.utf8)
            guard (1...Self.maximumNameLength).contains(utf8.count) else {
                throw NacosTransportError(
                    .invalidConfiguration,
                    "invalid TLS configuration: applicationProtocols[\(index)] (\(Self.quoted(name))) is \(utf8.count) bytes long; an ALPN protocol name must be 1 to \(Self.maximumNameLength) bytes"
                )
            }
            bytes.append(UInt8(utf8.count))
            entries.append(bytes.count..<(bytes.count + utf8.count))
            bytes += utf8
        }
        guard bytes.count <= Self.maximumWireLength else {
            throw NacosTransportError(
                .invalidConfiguration,
                "invalid TLS configuration: applicationProtocols take \(bytes.count) bytes on the wire (each name and a length byte); ALPN allows at most \(Self.maximumWireLength)"
            )
        }
        return (bytes, entries)
    }

    /// `'name'`, cut after 32 characters, for error messages.
    private static func quoted(_ name: String) -> String {
        name.count > 32 ? "'\(name.prefix(32))…'" : "'\(name)'"
    }

    // MARK: - Server selection

    /// The server's choice: the first of `names` that the client's wire-format `offer` contains.
    ///
    /// Returns the chosen name's bytes (inside `wireFormat`), or `nil` when the offer shares no name with this
    /// list or is malformed (OpenSSL checks the offer before calling, so that is only a second line of defence).
    func select(from offer: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let offered = Self.parse(offer) else { return nil }
        if self.ignoresClientOffer, let first = self.entries.first {
            return UnsafeBufferPointer(rebasing: self.wireFormat[first])
        }
        for entry in self.entries {
            let preference = self.wireFormat[entry]
            if offered.contains(where: { offer[$0].elementsEqual(preference) }) {
                return UnsafeBufferPointer(rebasing: self.wireFormat[entry])
            }
        }
        return nil
    }

    /// The range of each name in a wire-format list, or `nil` if an entry is empty or runs past the end.
    static func parse(_ list: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var entries: [Range<Int>] = []
        var offset = 0
        while offset < list.count {
            let length = Int(list[offset])
            let start = offset + 1
            guard length > 0, length <= list.count - start else { return nil }
            entries.append(start..<(start + length))
            offset = start + length
        }
        return entries
    }

    /// Installs `self` as the ALPN select callback's list on a server `SSL_CTX`.
    ///
    /// The caller (the `TLSContext` owning both) keeps `self` alive for as long as the `SSL_CTX`.
    func installSelectCallback(on sslContext: OpaquePointer) {
        let argument = Unmanaged.passUnretained(self).toOpaque()
        SSL_CTX_set_alpn_select_cb(
            sslContext,
            { _, output, outputLength, offer, offerLength, argument in
                TLSApplicationProtocols.selectCallback(
                    output: output,
                    outputLength: outputLength,
                    offer: offer,
                    offerLength: offerLength,
                    argument: argument
                )
            },
            argument
        )
    }

    /// The body of the `@convention(c)` select callback.
    ///
    /// Returns `SSL_TLSEXT_ERR_OK` with the chosen name, or `SSL_TLSEXT_ERR_NOACK` when there is none: the
    /// handshake then continues without ALPN instead of failing.
    private static func selectCallback(
        output: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
        outputLength: UnsafeMutablePointer<UInt8>?,
        offer: UnsafePointer<UInt8>?,
        offerLength: UInt32,
        argument: UnsafeMutableRawPointer?
    ) -> Int32 {
        guard let output, let outputLength, let offer, let argument else { return SSL_TLSEXT_ERR_NOACK }
        let protocols = Unmanaged<TLSApplicationProtocols>.fromOpaque(argument).takeUnretainedValue()
        let offered = UnsafeBufferPointer(start: offer, count: Int(offerLength))
        guard let chosen = protocols.select(from: offered), let base = chosen.baseAddress,
            let length = UInt8(exactly: chosen.count)
        else {
            return SSL_TLSEXT_ERR_NOACK
        }
        output.pointee = base
        outputLength.pointee = length
        return SSL_TLSEXT_ERR_OK
    }
}
