// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Upcoming language features turned on for every Swift target (as swift-log and grpc-swift-2 do).
let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-nacos",
    products: [
        .library(name: "NacosTransport", targets: ["NacosTransport"]),
        .library(name: "NacosTLS", targets: ["NacosTLS"]),
        .library(name: "NacosRemote", targets: ["NacosRemote"]),
        .library(name: "NacosStore", targets: ["NacosStore"]),
        .library(name: "NacosSQLite", targets: ["NacosSQLite"]),
        .library(name: "NacosPostgres", targets: ["NacosPostgres"]),
        .library(name: "NacosNamingAPI", targets: ["NacosNamingAPI"]),
        .library(name: "NacosNaming", targets: ["NacosNaming"]),
        .library(name: "NacosAuth", targets: ["NacosAuth"]),
        .library(name: "NacosClient", targets: ["NacosClient"]),
        .library(name: "NacosHTTP", targets: ["NacosHTTP"]),
        .library(name: "NacosHTTP2", targets: ["NacosHTTP2"]),
        .library(name: "NacosGRPC", targets: ["NacosGRPC"]),
        .library(name: "NacosDistro", targets: ["NacosDistro"]),
        .library(name: "NacosConsole", targets: ["NacosConsole"]),
        .library(name: "NacosServer", targets: ["NacosServer"]),
        .executable(name: "nacos-server", targets: ["nacos-server"]),
        .executable(name: "nacos-bench", targets: ["nacos-bench"]),
    ],
    targets: [
        // C shims: Linux syscalls that Glibc does not import (epoll, eventfd, timerfd).
        .target(name: "CLinuxSys", path: "Sources/CLinuxSys"),
        // The system's OpenSSL 3, with static-inline shims for the macros that do not import.
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(name: "NacosTransport", dependencies: ["CLinuxSys"], path: "Sources/Transport"),
        .target(name: "NacosTLS", dependencies: ["NacosTransport", "COpenSSL"], path: "Plugins/TLS"),
        // Nacos's remoting layer: typed requests and responses, the payload registry, the native protocol codec.
        .target(name: "NacosRemote", dependencies: ["NacosTransport"], path: "Sources/Remote"),
        // HTTP/2 (RFC 9113) and HPACK (RFC 7541) over any stream transport, server and client roles.
        .target(name: "NacosHTTP2", dependencies: ["NacosTransport"], path: "Plugins/HTTP2"),
        // gRPC over HTTP/2 with the protobuf Payload codec: Nacos's two gRPC services as a protocol layer of NacosRemote.
        .target(name: "NacosGRPC", dependencies: ["NacosTransport", "NacosHTTP2", "NacosRemote"], path: "Plugins/GRPC"),
        // The store seam: durable records by kind and key with a change feed in revision order, and the
        // in-memory store; SQLite and PostgreSQL implement it in their own targets.
        .target(name: "NacosStore", path: "Sources/Store"),
        // The system's SQLite 3 and PostgreSQL client library (libpq).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        // The standalone default store: one SQLite file in WAL mode with full sync and grouped commits.
        .target(name: "NacosSQLite", dependencies: ["NacosStore", "CSQLite"], path: "Plugins/SQLite"),
        // The store a cluster shares: PostgreSQL over libpq, other nodes' commits learnt through LISTEN/NOTIFY.
        .target(name: "NacosPostgres", dependencies: ["NacosStore", "CLibPQ"], path: "Plugins/Postgres"),
        // The naming messages both the server and the SDK speak: Instance, ServiceInfo, the naming requests.
        .target(name: "NacosNamingAPI", dependencies: ["NacosRemote"], path: "Sources/NamingAPI"),
        // The registry core: services, clients, indexes, events, push, health, naming request handlers.
        .target(
            name: "NacosNaming",
            dependencies: ["NacosNamingAPI", "NacosRemote", "NacosStore", "NacosTransport"],
            path: "Sources/Naming"
        ),
        // Nacos's auth plugin: users, roles and permissions in the store, HS256 tokens, salted password hashes,
        // login throttling, and the request filters that enforce them on RPC.
        .target(
            name: "NacosAuth",
            dependencies: ["NacosTransport", "NacosStore", "COpenSSL", "NacosRemote", "NacosNamingAPI"],
            path: "Plugins/Auth"
        ),
        // The Swift SDK an application embeds; it never links the server's registry.
        .target(
            name: "NacosClient",
            dependencies: ["NacosNamingAPI", "NacosRemote", "NacosGRPC", "NacosTransport"],
            path: "Sources/NamingClient"
        ),
        // Cluster mode: members and their health, DistroMapper, Distro sync/verify/snapshot, cluster loader.
        .target(
            name: "NacosDistro",
            dependencies: ["NacosTransport", "NacosRemote", "NacosNamingAPI", "NacosNaming"],
            path: "Sources/Distro"
        ),
        // HTTP/1.1 over any stream transport: parser, router, client, the Open API v1/v2, ops and metrics.
        .target(
            name: "NacosHTTP",
            dependencies: ["NacosTransport", "NacosRemote", "NacosNamingAPI", "NacosNaming", "NacosStore", "NacosAuth"],
            path: "Plugins/HTTP"
        ),
        // The web console: HTML, CSS and JavaScript modules under Plugins/Console/Assets, embedded at build time
        // by the EmbedConsoleAssets plugin and served at /nacos/ with ETags, gzip and a strict CSP.
        .target(
            name: "NacosConsole",
            dependencies: ["NacosHTTP", "NacosTransport"],
            path: "Plugins/Console",
            exclude: ["Assets"],
            plugins: ["EmbedConsoleAssets"]
        ),
        .executableTarget(name: "console-asset-embedder", path: "BuildTools/ConsoleAssetEmbedder"),
        .plugin(name: "EmbedConsoleAssets", capability: .buildTool(), dependencies: ["console-asset-embedder"], path: "BuildTools/EmbedConsoleAssets"),
        // A whole node as a library: configuration, wiring of transports, registry and HTTP, shutdown.
        .target(
            name: "NacosServer",
            dependencies: [
                "NacosTransport", "NacosTLS", "NacosRemote", "NacosHTTP2", "NacosGRPC", "NacosNamingAPI", "NacosNaming",
                "NacosDistro", "NacosHTTP", "NacosStore", "NacosSQLite", "NacosPostgres", "NacosAuth", "NacosConsole",
            ],
            path: "Sources/Server"
        ),
        // The server executable: command line, signals, exit codes.
        .executableTarget(name: "nacos-server", dependencies: ["NacosServer", "NacosTransport"], path: "Sources/ServerMain"),
        .executableTarget(
            name: "nacos-bench",
            dependencies: [
                "NacosTransport", "NacosTLS", "NacosRemote", "NacosGRPC", "NacosHTTP2", "NacosNamingAPI", "NacosNaming",
                "NacosClient", "NacosHTTP", "NacosDistro", "NacosServer", "NacosStore", "NacosSQLite", "NacosPostgres",
            ],
            path: "Benchmarks"
        ),
        // Example: one embedded registry, a provider that registers itself, a consumer that follows it.
        .executableTarget(
            name: "naming-example",
            dependencies: ["NacosTransport", "NacosRemote", "NacosGRPC", "NacosNamingAPI", "NacosNaming", "NacosClient"],
            path: "Examples/NamingExample"
        ),
        // Coverage-guided fuzzing (Fuzz/README.md): every fuzz target in one binary. Fuzz/run.sh builds it with
        // libFuzzer and AddressSanitizer (-DNACOS_LIBFUZZER); an ordinary build replays corpus files.
        .executableTarget(
            name: "nacos-fuzz",
            dependencies: ["NacosTransport", "NacosRemote", "NacosHTTP", "NacosHTTP2", "NacosGRPC", "NacosDistro", "NacosServer"],
            path: "Fuzz/Sources"
        ),
        // Helpers shared by the test targets: deadline waits, collectors, the cross-transport echo scenario, test
        // certificates, the Python peer runner.
        .target(name: "NacosTestKit", dependencies: ["CLinuxSys", "NacosTransport", "NacosTLS", "NacosHTTP2"], path: "Tests/TestKit"),
        .testTarget(
            name: "NacosTransportTests",
            dependencies: ["NacosTransport", "NacosTestKit"],
            path: "Tests/TransportTests"
        ),
        .testTarget(
            name: "NacosTLSTests",
            dependencies: ["NacosTLS", "NacosTransport", "NacosTestKit", "NacosRemote"],
            path: "Tests/TLSTests"
        ),
        .testTarget(
            name: "NacosHTTP2Tests",
            dependencies: ["NacosHTTP2", "NacosTransport", "NacosTestKit"],
            path: "Tests/HTTP2Tests"
        ),
        .testTarget(
            name: "NacosGRPCTests",
            dependencies: [
                "NacosGRPC", "NacosHTTP2", "NacosRemote", "NacosNaming", "NacosNamingAPI", "NacosTLS", "NacosTransport", "NacosTestKit",
            ],
            path: "Tests/GRPCTests"
        ),
        .testTarget(
            name: "NacosRemoteTests",
            dependencies: ["NacosRemote", "NacosTransport", "NacosTestKit"],
            path: "Tests/RemoteTests"
        ),
        .testTarget(
            name: "NacosStoreTests",
            dependencies: ["NacosStore", "NacosSQLite", "NacosPostgres", "NacosTestKit"],
            path: "Tests/StoreTests"
        ),
        .testTarget(
            name: "NacosAuthTests",
            dependencies: ["NacosAuth", "NacosStore", "NacosRemote", "NacosNamingAPI", "NacosTestKit"],
            path: "Tests/AuthTests"
        ),
        .testTarget(
            name: "NacosNamingAPITests",
            dependencies: ["NacosNamingAPI", "NacosRemote", "NacosTransport"],
            path: "Tests/NamingAPITests"
        ),
        .testTarget(
            name: "NacosNamingTests",
            dependencies: ["NacosNaming", "NacosNamingAPI", "NacosRemote", "NacosStore", "NacosTransport", "NacosTestKit"],
            path: "Tests/NamingTests"
        ),
        .testTarget(
            name: "NacosClientTests",
            dependencies: [
                "NacosClient", "NacosGRPC", "NacosNaming", "NacosNamingAPI", "NacosRemote", "NacosTransport", "NacosTestKit",
            ],
            path: "Tests/NamingClientTests"
        ),
        .testTarget(
            name: "NacosHTTPTests",
            dependencies: [
                "NacosHTTP", "NacosAuth", "NacosNaming", "NacosNamingAPI", "NacosRemote", "NacosStore", "NacosTransport", "NacosTestKit",
            ],
            path: "Tests/HTTPTests"
        ),
        .testTarget(
            name: "NacosDistroTests",
            dependencies: [
                "NacosDistro", "NacosClient", "NacosNaming", "NacosNamingAPI", "NacosRemote", "NacosTransport", "NacosTestKit",
            ],
            path: "Tests/DistroTests"
        ),
        .testTarget(
            name: "NacosConsoleTests",
            dependencies: ["NacosConsole", "NacosHTTP", "NacosTransport"],
            path: "Tests/ConsoleTests"
        ),
        .testTarget(
            name: "NacosServerTests",
            dependencies: [
                "NacosServer", "NacosAuth", "NacosHTTP", "NacosClient", "NacosDistro", "NacosGRPC", "NacosNaming", "NacosNamingAPI", "NacosRemote",
                "NacosTransport", "NacosTLS", "NacosTestKit", "nacos-server",
            ],
            path: "Tests/ServerTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && target.type != .plugin {
    guard target.name != "CLinuxSys" else { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
}

// Fuzz/run.sh sets NACOS_FUZZ=1: every Swift target but the build tools (which run on the build machine) is
// built for libFuzzer with AddressSanitizer, and nacos-fuzz links libFuzzer's driver.
if ProcessInfo.processInfo.environment["NACOS_FUZZ"] == "1" {
    let buildTools: Set<String> = ["console-asset-embedder"]
    for target in package.targets where target.type != .system && target.type != .plugin && !buildTools.contains(target.name) {
        guard target.name != "CLinuxSys" else { continue }
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("NACOS_LIBFUZZER")]
        if target.name == "nacos-fuzz" {
            target.linkerSettings = (target.linkerSettings ?? []) + [.unsafeFlags(["-sanitize=fuzzer,address"])]
        }
    }
}
