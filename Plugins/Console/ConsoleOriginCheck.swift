public import NacosHTTP

/// The same-origin check on mutating requests: a browser page of another origin must not be able to
/// change the registry with a token it does not hold, nor with the ambient credentials of a user.
///
/// Browsers send `Origin` (and `Sec-Fetch-Site`) on every cross-origin and every non-GET request, while
/// SDKs and curl send neither, so only requests that a browser marks as coming from elsewhere are refused.
public enum ConsoleOriginCheck {
    /// Why `request` is refused, or `nil` when it is not a mutating request, or comes from this origin or
    /// from a client that is not a browser.
    public static func refusal(of request: HTTPRequest) -> String? {
        switch request.method {
        case .get, .head, .options: return nil
        default: break
        }
        if let site = request.headers["Sec-Fetch-Site"]?.lowercased(), site == "cross-site" || site == "same-site" {
            return "cross-origin request refused: Sec-Fetch-Site is \(site)"
        }
        guard let origin = request.headers["Origin"] else { return nil }
        guard let host = request.headers["Host"], let originHost = Self.hostAndPort(ofOrigin: origin),
            originHost == host.lowercased()
        else {
            return "cross-origin request refused: Origin \(origin) is not this server"
        }
        return nil
    }

    /// The `host[:port]` of an origin such as `http://127.0.0.1:8848`, lowercased; `nil` for `null` or a
    /// value that is not an http(s) origin.
    static func hostAndPort(ofOrigin origin: String) -> String? {
        let lowered = origin.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            let rest = lowered.dropFirst(scheme.count)
            guard !rest.isEmpty, !rest.contains("/") else { return nil }
            return String(rest)
        }
        return nil
    }
}
