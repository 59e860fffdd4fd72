import COpenSSL
import NacosTransport

/// Reads OpenSSL's per-thread error queue into strings for `NacosTransportError` messages.
///
/// The queue is per thread and shared by every connection on an event loop, so callers clear it
/// (`clear()`) before each SSL call and drain it (`drain()`) right after a failed one.
internal enum OpenSSLErrorQueue {
    /// Empties the calling thread's error queue.
    static func clear() {
        ERR_clear_error()
    }

    /// Removes every queued error and returns them oldest first, as
    /// `error:0A000086:SSL routines::certificate verify failed`.
    static func drain() -> [String] {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            messages.append(Self.describe(code))
        }
        return messages
    }

    /// OpenSSL's text for one packed error code.
    static func describe(_ code: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        return buffer.withUnsafeMutableBufferPointer { pointer in
            ERR_error_string_n(code, pointer.baseAddress, pointer.count)
            return String(cString: pointer.baseAddress!)
        }
    }

    /// An error whose message is `context`, followed by OpenSSL's drained queue when it is not empty.
    static func error(_ code: NacosTransportError.Code, _ context: String) -> NacosTransportError {
        let details = Self.drain()
        if details.isEmpty {
            return NacosTransportError(code, context)
        }
        return NacosTransportError(code, "\(context): \(details.joined(separator: "; "))")
    }
}
