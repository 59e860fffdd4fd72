/// The `grpc-timeout` header: 1 to 8 ASCII digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
public enum GRPCTimeout {
    /// The duration a header value names, or `nil` when it is malformed.
    public static func parse(_ value: String) -> Duration? {
        let bytes = Array(value.utf8)
        guard bytes.count >= 2, bytes.count <= 9, let unit = bytes.last else { return nil }
        var amount: Int64 = 0
        for byte in bytes.dropLast() {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            amount = amount * 10 + Int64(byte - 0x30)
        }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(amount * 3600)
        case UInt8(ascii: "M"): return .seconds(amount * 60)
        case UInt8(ascii: "S"): return .seconds(amount)
        case UInt8(ascii: "m"): return .milliseconds(amount)
        case UInt8(ascii: "u"): return .microseconds(amount)
        case UInt8(ascii: "n"): return .nanoseconds(amount)
        default: return nil
        }
    }

    /// The header value for `duration`: the finest unit whose amount fits in 8 digits (rounded up, at least 1n).
    public static func format(_ duration: Duration) -> String {
        let components = duration.components
        let nanoseconds = max(0, components.seconds) * 1_000_000_000 + max(0, components.attoseconds) / 1_000_000_000
        let units: [(Int64, String)] = [(1, "n"), (1000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"), (3_600_000_000_000, "H")]
        for (scale, unit) in units {
            let amount = (nanoseconds + scale - 1) / scale
            if amount <= 99_999_999 { return "\(max(amount, unit == "n" ? 1 : 0))\(unit)" }
        }
        return "99999999H"
    }
}
