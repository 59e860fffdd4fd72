import CLinuxSys
#if canImport(Glibc)
import Glibc
#endif

/// Thin, typed wrappers over the system calls the transport uses.
///
/// Every wrapper retries on `EINTR`, reports `EAGAIN`/`EWOULDBLOCK` as `nil` where the call can block, and
/// turns other failures into `NacosTransportError(.ioError, "<call> failed: <errno text>")`.
internal enum SystemCalls {
    /// The text of an errno value.
    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code)) + " (errno \(code))"
    }

    static func ioError(_ call: String, _ code: Int32 = errno) -> NacosTransportError {
        if code == ECONNREFUSED {
            return NacosTransportError(.connectionRefused, "\(call) failed: \(errnoText(code))")
        }
        if code == ECONNRESET || code == EPIPE {
            return NacosTransportError(.connectionReset, "\(call) failed: \(errnoText(code))")
        }
        if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
            return NacosTransportError(.resourceExhausted, "\(call) failed: \(errnoText(code))")
        }
        return NacosTransportError(.ioError, "\(call) failed: \(errnoText(code))")
    }

    /// Runs `body` until it does not fail with EINTR; returns `nil` on EAGAIN/EWOULDBLOCK.
    @inline(__always)
    static func retrying<T: BinaryInteger>(_ call: String, _ body: () -> T) throws(NacosTransportError) -> T? {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return nil }
            throw ioError(call, code)
        }
    }

    static func close(_ fd: Int32) {
        // close(2) must not be retried on EINTR on Linux: the descriptor is released either way.
        _ = Glibc.close(fd)
    }

    /// The monotonic clock in nanoseconds.
    @inline(__always)
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Converts a non-negative duration to whole nanoseconds, saturating.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max / 2 }
        return whole &+ UInt64(attoseconds / 1_000_000_000)
    }
}
