import CLinuxSys
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A log handler that writes one line per event to standard error or standard output.
public struct NacosStreamLogHandler: NacosLogHandler {
    /// Which standard stream to write to.
    public enum Stream: Sendable {
        /// Standard error (file descriptor 2).
        case standardError
        /// Standard output (file descriptor 1).
        case standardOutput
    }

    /// A handler writing to standard error.
    public static let standardError = NacosStreamLogHandler(stream: .standardError)

    /// The stream this handler writes to.
    public let stream: Stream

    /// Creates a handler for the given stream.
    public init(stream: Stream) {
        self.stream = stream
    }

    /// Writes `timestamp level label: message key=value…` as one line with a single `write` call.
    public func log(event: NacosLogEvent) {
        var line = "\(Self.timestamp()) \(event.level) \(event.label): \(event.message)"
        for (key, value) in event.metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += "\n"
        let fd: Int32 = self.stream == .standardError ? 2 : 1
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
