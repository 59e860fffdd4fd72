import Foundation
public import NacosHTTP

/// Serves the web console in front of the Open API: `/` and `/nacos` redirect to `/nacos/`, which is the
/// console's page, and `/nacos/console/<path>` its other files; everything else goes to `next`.
///
/// Console files carry a strong ETag (a matching `If-None-Match` gets 304), are sent gzip-compressed to
/// clients that accept it, and carry a strict Content-Security-Policy. Mutating requests from a browser
/// page of another origin are refused before they reach the API (`ConsoleOriginCheck`).
public struct ConsoleResponder: HTTPResponder {
    /// Where console files are served under, with its trailing slash.
    public static let assetPrefix = "/nacos/console/"
    /// The console page's path.
    public static let pagePath = "/nacos/"
    /// The policy every console file carries: only this origin's scripts, styles, images and API.
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

    private let catalog: ConsoleAssetCatalog
    private let next: any HTTPResponder

    /// Creates a responder that serves `catalog` and hands every other request to `next`.
    public init(catalog: ConsoleAssetCatalog = .embedded, next: any HTTPResponder) {
        self.catalog = catalog
        self.next = next
    }

    /// Answers console paths itself and passes every other request, once its origin is checked, to `next`.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        if request.method == .get || request.method == .head {
            switch request.path {
            case "/", "/nacos", "/nacos/index.html":
                var response = HTTPResponse(status: HTTPStatus(code: 302))
                response.headers.add(name: "Location", value: Self.pagePath)
                return response
            case Self.pagePath:
                return self.serve("index.html", to: request)
            default:
                if request.path.hasPrefix(Self.assetPrefix) {
                    return self.serve(String(request.path.dropFirst(Self.assetPrefix.count)), to: request)
                }
            }
        }
        if let refusal = ConsoleOriginCheck.refusal(of: request) {
            return .text(refusal, status: .forbidden)
        }
        return await self.next.respond(to: request)
    }

    /// The asset at `path` for `request`: 200 with its bytes (compressed when accepted), 304 when the
    /// client's copy is current, or 404.
    private func serve(_ path: String, to request: HTTPRequest) -> HTTPResponse {
        guard let asset = self.catalog.asset(path) else {
            return .text("no console file \(path)", status: .notFound)
        }
        var headers: HTTPHeaders = [
            "ETag": asset.entityTag,
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
            "Content-Security-Policy": Self.contentSecurityPolicy,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        ]
        if Self.entityTags(request.headers["If-None-Match"]).contains(where: { $0 == asset.entityTag || $0 == "*" }) {
            return HTTPResponse(status: HTTPStatus(code: 304), headers: headers)
        }
        headers.add(name: "Content-Type", value: asset.contentType)
        if let gzipped = asset.gzipped, Self.acceptsGzip(request.headers["Accept-Encoding"]) {
            headers.add(name: "Content-Encoding", value: "gzip")
            return HTTPResponse(status: .ok, headers: headers, body: gzipped)
        }
        return HTTPResponse(status: .ok, headers: headers, body: asset.bytes)
    }

    /// The tags of an `If-None-Match` value, weak ones compared by their opaque part (RFC 9110 §13.1.2).
    static func entityTags(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(separator: ",").map { tag in
            let trimmed = tag.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
        }
    }

    /// Whether an `Accept-Encoding` value accepts gzip (listed, or `*`, without `q=0`).
    static func acceptsGzip(_ value: String?) -> Bool {
        guard let value else { return false }
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "*" else { continue }
            let refused = parts.dropFirst().contains { $0.hasPrefix("q=") && (Double($0.dropFirst(2)) ?? 1) == 0 }
            return !refused
        }
        return false
    }
}
