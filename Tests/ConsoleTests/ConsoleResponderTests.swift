import Foundation
import NacosConsole
import NacosHTTP
import NacosTransport
import Testing

/// The console's serving: redirects, headers, ETag revalidation, gzip negotiation, unknown files, and the
/// same-origin check in front of the API.
@Suite("Console: serving the embedded files")
struct ConsoleResponderTests {
    /// Stands in for the Open API: answers every request it is handed with 200 "api".
    struct RecordingAPI: HTTPResponder {
        func respond(to request: HTTPRequest) async -> HTTPResponse { .text("api") }
    }

    static let page = Array(repeating: "<p>hello console</p>\n", count: 200).joined()
    let responder = ConsoleResponder(
        catalog: ConsoleAssetCatalog(files: [("index.html", Array(Self.page.utf8)), ("app.js", Array("export const x = 1;\n".utf8))]),
        next: RecordingAPI()
    )

    func get(_ path: String, _ headers: HTTPHeaders = [:], method: HTTPMethod = .get) async -> HTTPResponse {
        await self.responder.respond(to: HTTPRequest(method: method, target: path, headers: headers))
    }

    @Test func rootAndNacosRedirectToTheConsolePage() async {
        for path in ["/", "/nacos", "/nacos/index.html"] {
            let response = await self.get(path)
            #expect(response.status.code == 302 && response.headers["Location"] == "/nacos/", "\(path)")
        }
    }

    @Test func thePageCarriesItsTypeETagAndStrictSecurityHeaders() async {
        let response = await self.get("/nacos/")
        #expect(response.status == .ok)
        #expect(response.bodyText == Self.page)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.headers["Content-Security-Policy"]?.contains("script-src 'self'") == true)
        #expect(response.headers["Content-Security-Policy"]?.contains("unsafe-inline") == false)
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers["X-Frame-Options"] == "DENY")
        #expect(response.headers["ETag"]?.hasPrefix("\"") == true)
        #expect(await self.get("/nacos/console/app.js").headers["Content-Type"] == "text/javascript; charset=utf-8")
    }

    @Test func aMatchingETagGets304AndAStaleOneTheFile() async throws {
        let tag = try #require(await self.get("/nacos/console/app.js").headers["ETag"])
        let current = await self.get("/nacos/console/app.js", ["If-None-Match": "\"other\", W/\(tag)"])
        #expect(current.status.code == 304 && current.body.isEmpty && current.headers["ETag"] == tag)
        let stale = await self.get("/nacos/console/app.js", ["If-None-Match": "\"other\""])
        #expect(stale.status == .ok && stale.bodyText == "export const x = 1;\n")
        // Another file's tag differs.
        #expect(await self.get("/nacos/").headers["ETag"] != tag)
    }

    @Test func gzipIsSentOnlyToClientsThatAcceptItAndOnlyWhenSmaller() async {
        let zipped = await self.get("/nacos/", ["Accept-Encoding": "br, gzip;q=0.8"])
        #expect(zipped.headers["Content-Encoding"] == "gzip")
        #expect(NacosGzip.isGzipped(zipped.body) && zipped.body.count < Self.page.utf8.count / 4)
        #expect(zipped.headers["Vary"] == "Accept-Encoding")
        #expect(await self.get("/nacos/").headers["Content-Encoding"] == nil)
        #expect(await self.get("/nacos/", ["Accept-Encoding": "gzip;q=0"]).headers["Content-Encoding"] == nil)
        #expect(await self.get("/nacos/", ["Accept-Encoding": "*"]).headers["Content-Encoding"] == "gzip")
        // A 20-byte script is not made larger by compression.
        #expect(await self.get("/nacos/console/app.js", ["Accept-Encoding": "gzip"]).headers["Content-Encoding"] == nil)
    }

    @Test func unknownFilesAre404AndOtherPathsGoToTheAPI() async {
        let missing = await self.get("/nacos/console/../../etc/passwd")
        #expect(missing.status == .notFound)
        #expect(await self.get("/nacos/console/").status == .notFound)
        #expect(await self.get("/nacos/v1/ns/instance/list?serviceName=x").bodyText == "api")
        // A HEAD of the page answers like GET.
        #expect(await self.get("/nacos/", method: .head).status == .ok)
    }

    @Test func mutatingRequestsFromAnotherOriginAreRefusedAndSameOriginOnesPass() async {
        func post(_ headers: HTTPHeaders) async -> HTTPResponse {
            await self.responder.respond(to: HTTPRequest(method: .post, target: "/nacos/v1/ns/instance", headers: headers))
        }
        #expect(await post(["Host": "127.0.0.1:8848"]).bodyText == "api", "SDKs and curl send no Origin")
        #expect(await post(["Host": "127.0.0.1:8848", "Origin": "http://127.0.0.1:8848", "Sec-Fetch-Site": "same-origin"]).bodyText == "api")
        #expect(await post(["Host": "Console.Example:8848", "Origin": "https://console.example:8848"]).bodyText == "api")
        let foreign = await post(["Host": "127.0.0.1:8848", "Origin": "http://evil.example"])
        #expect(foreign.status == .forbidden && foreign.bodyText.contains("cross-origin request refused"))
        #expect(await post(["Host": "127.0.0.1:8848", "Origin": "null"]).status == .forbidden)
        #expect(await post(["Host": "127.0.0.1:8848", "Origin": "http://127.0.0.1:8849"]).status == .forbidden)
        #expect(await post(["Host": "127.0.0.1:8848", "Sec-Fetch-Site": "cross-site"]).status == .forbidden)
        for method in [HTTPMethod.put, .delete, .patch] {
            let response = await self.responder.respond(to: HTTPRequest(method: method, target: "/nacos/v1/ns/instance", headers: ["Host": "a:1", "Origin": "http://b:1"]))
            #expect(response.status == .forbidden, "\(method)")
        }
        // Reads are not changed by an Origin: a cross-origin page cannot read them anyway (no CORS headers).
        #expect(await self.get("/nacos/v1/ns/instance/list", ["Host": "a:1", "Origin": "http://b:1"]).bodyText == "api")
    }
}
