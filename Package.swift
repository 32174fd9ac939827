// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "RunLocalAI",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RunLocalAICore", targets: ["RunLocalAICore"]),
        .executable(name: "runlocalai", targets: ["runlocalai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),   // already under Hummingbird; named for NIOCore's SocketAddress
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),   // already under Hummingbird; prebuilt header fields
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.27.0"),  // already under Hummingbird; HTTP parts in the connection guard
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),      // already under Hummingbird; request-id logging
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),  // already under Hummingbird; /metrics
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),   // HMAC for CSRF tokens and private run links
    ],
    targets: [
        // The engine: catalog, GGUF reader, memory / fit / speed estimator, commands. Pure; reads only files it is handed.
        .target(
            name: "RunLocalAICore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The engine's I/O, injected: the live HTTP range transport (URLSession), sysfs reads, file hashes.
        .target(
            name: "RunLocalAIIO",
            dependencies: ["RunLocalAICore"]
        ),
        // Benchmarks, submissions and feedback behind one protocol: SQLite (GRDB, the default) and PostgreSQL.
        .target(
            name: "RunLocalAIStore",
            dependencies: [
                "RunLocalAICore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The application layer: ONE typed question (one grammar for argv, URL query and form) and ONE answer
        // service (plan + evidence + prices + commands) that every page, API route and CLI command calls; and
        // the library function that assembles the application (catalog, content, store, seeding).
        .target(
            name: "RunLocalAIApp",
            dependencies: [
                "RunLocalAICore",
                "RunLocalAIStore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The local agent as a library: machine probes (processes, /proc, /sys), runtimes found here, and
        // `bench` orchestration (measure, sample, predict through the answer service, submit), tested in-process.
        .target(
            name: "RunLocalAIAgent",
            dependencies: ["RunLocalAICore", "RunLocalAIIO", "RunLocalAIApp", "RunLocalAIStore"]
        ),
        // The site and the JSON API (Hummingbird 2): server-rendered HTML, SVG charts, /api/v1, Atom feed.
        .target(
            name: "RunLocalAIWeb",
            dependencies: [
                "RunLocalAICore",
                "RunLocalAIStore",
                "RunLocalAIApp",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),   // server builder, connection caps
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The command-line tool: every subcommand is a view of RunLocalAICore.
        .executableTarget(
            name: "runlocalai",
            dependencies: [
                "RunLocalAICore",
                "RunLocalAIStore",
                "RunLocalAIApp",
                "RunLocalAIAgent",
                "RunLocalAIIO",
                "RunLocalAIWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Prints timings of the engine (speed targets live here, never in tests).
        .executableTarget(
            name: "RunLocalAIBenchmarks",
            dependencies: ["RunLocalAICore", "RunLocalAIApp", "RunLocalAIWeb", .product(name: "Hummingbird", package: "hummingbird"),
                           // `middleware`: requests without sockets, through the server's own HTTP pipeline
                           .product(name: "HummingbirdCore", package: "hummingbird"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                           .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"), .product(name: "HTTPTypes", package: "swift-http-types")]
        ),
        // Test-only helpers shared by the test targets: the synthetic GGUF writer.
        .target(
            name: "RunLocalAITestSupport",
            dependencies: ["RunLocalAICore"],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "RunLocalAICoreTests",
            dependencies: ["RunLocalAICore", "RunLocalAIIO", "RunLocalAIAgent", "RunLocalAITestSupport", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "RunLocalAIStoreTests",
            dependencies: ["RunLocalAIStore", "RunLocalAICore"]
        ),
        .testTarget(
            name: "RunLocalAIAppTests",
            dependencies: ["RunLocalAIApp", "RunLocalAIAgent", "RunLocalAIStore", "RunLocalAICore"]
        ),
        .testTarget(
            name: "RunLocalAIWebTests",
            dependencies: [
                "RunLocalAIWeb", "RunLocalAIStore", "RunLocalAICore", "RunLocalAIApp", "RunLocalAIIO", "RunLocalAITestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
    ]
)
